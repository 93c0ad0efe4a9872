"""KA quadrant changes reach subscribed ERP clients as webhooks."""

from decimal import Decimal

import pytest

from integrations.models import WebhookDelivery, WebhookSubscription
from integrations.services import api_client_create
from keyaccounts import services

from .factories import KeyAccountFactory

STAR = {
    "annual_turnover": Decimal(500000),
    "growth_rate": Decimal(20),
    "dso_days": 30,
    "merchandising_share": Decimal(22),
    "activity_share": Decimal(40),
    "skus_carried": 20,
    "buyer_relationship": 5,
}
DOG = {
    "annual_turnover": Decimal(1000),
    "growth_rate": Decimal(-5),
    "dso_days": 200,
    "merchandising_share": Decimal(1),
    "activity_share": Decimal(1),
    "skus_carried": 1,
    "buyer_relationship": 1,
}


@pytest.fixture
def subscribed(db):
    client, _raw = api_client_create(
        name="ERP", resource_scopes={"*": "read"}, all_territories=True
    )
    return WebhookSubscription.objects.create(
        client=client, event="key_account.quadrant_changed", url="https://erp.example/hooks"
    )


@pytest.fixture
def ka_account(accounts, template):
    return accounts.shenzhen


def test_quadrant_change_queues_one_signed_delivery(subscribed, ka_account):
    services.assessment_upsert(account=ka_account, year=2025, measures=DOG)

    services.assessment_upsert(account=ka_account, year=2025, measures=STAR)

    deliveries = WebhookDelivery.objects.filter(subscription=subscribed).order_by("id")
    assert [d.event for d in deliveries] == ["key_account.quadrant_changed"] * 2
    assert '"previous_quadrant": "dog"' in deliveries.last().body
    assert '"quadrant": "star"' in deliveries.last().body


def test_same_quadrant_again_sends_nothing_new(subscribed, ka_account):
    services.assessment_upsert(account=ka_account, year=2025, measures=STAR)

    services.assessment_upsert(account=ka_account, year=2025, measures=STAR)

    assert WebhookDelivery.objects.filter(subscription=subscribed).count() == 1


def test_a_national_accounts_change_reaches_all_territory_clients_only(subscribed, template, world):
    scoped, _raw = api_client_create(
        name="ERP 广东",
        resource_scopes={"*": "read"},
        all_territories=False,
        territory_ids=[world.guangdong.pk],
    )
    regional = WebhookSubscription.objects.create(
        client=scoped, event="key_account.quadrant_changed", url="https://gd.example/hooks"
    )
    account = KeyAccountFactory(territory=None)

    services.assessment_upsert(account=account, year=2025, measures=STAR)

    assert WebhookDelivery.objects.filter(subscription=subscribed).count() == 1
    assert not WebhookDelivery.objects.filter(subscription=regional).exists()
