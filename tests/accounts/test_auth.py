from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, Role

from ..factories import UserFactory

PASSWORD = "pw-for-tests-1"


@pytest.fixture
def person(db):
    return UserFactory(username="zhang", role=Role.REP)


def test_login_with_right_password_reaches_home(client, person):
    response = client.post(reverse("login"), {"username": "zhang", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_pages_need_login(client, db):
    response = client.get(reverse("markets:market_list"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_logout_ends_the_session(client, person):
    client.force_login(person)

    client.post(reverse("logout"))

    assert client.get(reverse("home")).status_code == 302


def test_password_change(client, person):
    client.force_login(person)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Another-Secret-9",
            "new_password2": "Another-Secret-9",
        },
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Another-Secret-9")


def test_repeated_failed_logins_lock_the_account(client, person, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "zhang", "password": "wrong"})

    response = client.post(reverse("login"), {"username": "zhang", "password": PASSWORD})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failed_logins_are_logged(client, person):
    from axes.models import AccessAttempt

    client.post(reverse("login"), {"username": "zhang", "password": "wrong"})

    assert AccessAttempt.objects.get(username="zhang").failures_since_start == 1


def test_disabling_a_user_ends_their_session(client, person):
    client.force_login(person)
    person.is_active = False
    person.save()

    response = client.get(reverse("home"))

    assert response.status_code == 302


def test_session_expires(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60


def test_api_token_authenticates_and_records_last_use(api_client, person):
    token, raw = ApiToken.issue(user=person, name="erp")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    response = api_client.get("/api/v1/markets/")

    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_only_the_token_hash_is_stored(person):
    token, raw = ApiToken.issue(user=person, name="erp")

    assert raw not in (token.key_hash, token.key_prefix)
    assert len(token.key_hash) == 64


@pytest.mark.parametrize("change", ["revoked_at", "expires_at"])
def test_revoked_or_expired_token_is_refused(api_client, person, change):
    token, raw = ApiToken.issue(user=person, name="erp")
    setattr(token, change, timezone.now() - timedelta(seconds=1))
    token.save()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")

    response = api_client.get("/api/v1/markets/")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
