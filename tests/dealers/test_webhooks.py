"""Dealer events reach subscribed ERP clients: dealer signed, evaluation decision changed."""

import json

import pytest

from integrations.models import WebhookDelivery, WebhookSubscription
from integrations.services import api_client_create

from .test_pipeline import at_stage, evaluate, sign_contract

pytestmark = pytest.mark.django_db


def subscribe(event, territories=None):
    client, _raw = api_client_create(
        name=f"ERP {event}",
        resource_scopes={"*": "read"},
        all_territories=territories is None,
        territory_ids=[t.pk for t in territories or []],
    )
    return WebhookSubscription.objects.create(
        client=client, event=event, url="https://erp.example/h"
    )


def bodies(subscription):
    return [json.loads(d.body) for d in WebhookDelivery.objects.filter(subscription=subscription)]


def test_signing_publishes_dealer_signed(manager, world, sz_candidate, surveyed):
    subscription = subscribe("dealer.signed")
    at_stage(sz_candidate, "negotiating")
    sign_contract(sz_candidate, [world.shenzhen])

    from dealers import services

    services.candidate_move(candidate_id=sz_candidate.pk, to_stage="signed", user=manager)

    (body,) = bodies(subscription)
    assert (body["event"], body["data"]["market"]) == ("dealer.signed", "440300")


def test_a_changed_decision_publishes_and_an_unchanged_one_does_not(manager, sz_candidate):
    subscription = subscribe("evaluation.decision_changed")
    evaluate(sz_candidate, manager, level=4)
    after_first = len(bodies(subscription))

    evaluate(sz_candidate, manager, level=4)
    unchanged = len(bodies(subscription))
    evaluate(sz_candidate, manager, level=1)

    last = bodies(subscription)[-1]["data"]
    assert unchanged == after_first
    assert len(bodies(subscription)) == after_first + 1
    assert last["previous_decision"] != last["decision"]


def test_clients_outside_the_market_hear_nothing(manager, world, sz_candidate):
    subscription = subscribe("evaluation.decision_changed", territories=[world.hunan])

    evaluate(sz_candidate, manager, level=4)

    assert bodies(subscription) == []
