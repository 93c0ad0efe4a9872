import hashlib
import hmac
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from integrations.models import AdminNotice, WebhookDelivery, WebhookSubscription
from integrations.services import (
    WEBHOOK_LEASE,
    backoff_seconds,
    webhook_claim,
    webhook_publish,
    webhooks_sweep,
)
from integrations.services import WEBHOOK_MAX_ATTEMPTS as MAX_ATTEMPTS
from integrations.tasks import deliver_webhook


@pytest.fixture
def subscription(make_client, receiver):
    erp, _raw = make_client()
    return WebhookSubscription.objects.create(client=erp, event="dealer.signed", url=receiver.url)


def publish(path="440000/440300/"):
    return webhook_publish(event="dealer.signed", data={"dealer": "D-1"}, territory_path=path)


def test_publish_creates_one_delivery_per_subscription(
    subscription, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        ids = publish()

    assert WebhookDelivery.objects.get(pk=ids[0]).subscription == subscription
    assert len(callbacks) == 1


def test_publish_skips_clients_outside_the_territory(make_client, receiver, world):
    erp, _raw = make_client(name="湖南 ERP", territories=[world.hunan])
    WebhookSubscription.objects.create(client=erp, event="dealer.signed", url=receiver.url)

    assert publish(world.shenzhen.path) == []


def test_delivery_is_signed_with_hmac_sha256(subscription, receiver):
    (delivery_id,) = publish()

    deliver_webhook.apply(args=[delivery_id])

    headers, body = receiver.received[0]
    expected = hmac.new(subscription.secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-DealerHub-Signature"] == f"sha256={expected}"
    assert json.loads(body)["data"] == {"dealer": "D-1"}
    assert WebhookDelivery.objects.get(pk=delivery_id).status == "succeeded"


def test_failing_receiver_is_retried_then_given_up_with_every_attempt_logged(
    subscription, receiver
):
    receiver.status = 500
    (delivery_id,) = publish()

    for attempt in range(MAX_ATTEMPTS + 1):
        deliver_webhook.apply(args=[delivery_id])
        delivery = WebhookDelivery.objects.get(pk=delivery_id)
        if attempt < MAX_ATTEMPTS - 1:
            assert delivery.status == "failed"
            assert delivery.next_attempt_at - timezone.now() > timedelta(
                seconds=backoff_seconds(attempt) - 5
            )
        # the sweep's part: the backoff is over
        WebhookDelivery.objects.filter(pk=delivery_id).update(next_attempt_at=timezone.now())

    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts) == ("gave_up", MAX_ATTEMPTS)
    assert set(delivery.log.values_list("status_code", flat=True)) == {500}
    assert len(receiver.received) == MAX_ATTEMPTS


def test_backoff_is_exponential_and_capped():
    assert [backoff_seconds(n) for n in range(4)] == [60, 120, 240, 480]
    assert backoff_seconds(20) == 6 * 3600


def test_delivered_event_is_not_sent_twice(subscription, receiver):
    (delivery_id,) = publish()
    deliver_webhook.apply(args=[delivery_id])

    deliver_webhook.apply(args=[delivery_id])

    assert len(receiver.received) == 1


def test_receiver_failing_three_days_is_paused_and_admin_told(subscription, receiver):
    receiver.status = 503
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        failing_since=timezone.now() - timedelta(days=3, minutes=1)
    )
    (delivery_id,) = publish()

    deliver_webhook.apply(args=[delivery_id])

    subscription.refresh_from_db()
    assert subscription.paused_at is not None
    assert AdminNotice.objects.filter(message__contains=receiver.url).count() == 1


def test_success_clears_the_failure_streak(subscription, receiver):
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        failing_since=timezone.now() - timedelta(days=1)
    )
    (delivery_id,) = publish()

    deliver_webhook.apply(args=[delivery_id])

    subscription.refresh_from_db()
    assert subscription.failing_since is None


def test_paused_subscription_gets_no_new_deliveries(subscription):
    WebhookSubscription.objects.filter(pk=subscription.pk).update(paused_at=timezone.now())

    assert publish() == []


@pytest.fixture
def sent(monkeypatch):
    from dealerhub.core import jobs

    calls = []
    monkeypatch.setattr(
        jobs.current_app,
        "send_task",
        lambda name, args=(), kwargs=None, **options: calls.append((name, args)),
    )
    return calls


def test_publish_queues_through_the_outbox_path_after_commit(
    subscription, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (delivery_id,) = publish()

    assert sent == [("integrations.tasks.deliver_webhook", [delivery_id])]


def test_a_second_message_for_a_delivery_being_sent_sends_nothing(subscription, receiver):
    (delivery_id,) = publish()
    assert webhook_claim(delivery_id=delivery_id) is True  # another worker is sending it

    assert deliver_webhook.apply(args=[delivery_id]).get() == "nothing to do"
    assert receiver.received == []


def test_sweep_sends_due_retries_and_lost_first_attempts_only(
    subscription, receiver, sent, django_capture_on_commit_callbacks
):
    receiver.status = 500
    failed_id, retry_later_id, in_queue_id, lost_id, held_id = (publish()[0] for _n in range(5))
    now = timezone.now()
    deliver_webhook.apply(args=[failed_id])
    deliver_webhook.apply(args=[retry_later_id])
    WebhookDelivery.objects.filter(pk=failed_id).update(next_attempt_at=now)  # backoff over
    assert WebhookDelivery.objects.get(pk=retry_later_id).next_attempt_at > now  # not yet
    WebhookDelivery.objects.filter(pk=retry_later_id).update(
        next_attempt_at=now + timedelta(hours=1)
    )
    WebhookDelivery.objects.filter(pk=lost_id).update(queued_at=now - timedelta(hours=1))
    webhook_claim(delivery_id=held_id)  # a worker is sending it right now
    WebhookDelivery.objects.filter(pk=held_id).update(queued_at=now - timedelta(hours=1))
    sent.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks_sweep(now=now) == 2
        assert webhooks_sweep(now=now) == 0

    assert sorted(sent) == [
        ("integrations.tasks.deliver_webhook", [failed_id]),
        ("integrations.tasks.deliver_webhook", [lost_id]),
    ]
    # The worker holding a delivery died: after its lease the delivery is due again.
    later = now + WEBHOOK_LEASE + timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert webhooks_sweep(now=later) == 1
    assert sent[-1] == ("integrations.tasks.deliver_webhook", [held_id])
    assert WebhookDelivery.objects.get(pk=in_queue_id).status == "pending"
