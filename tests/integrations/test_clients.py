from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from integrations.models import ApiClient


def test_command_creates_client_with_full_scope_and_prints_token(db, capsys):
    call_command("create_api_client", "SAP 总部", "--scope", "all")

    raw = capsys.readouterr().out.strip()
    client = ApiClient.objects.get(name="SAP 总部")
    assert client.resource_scopes == {"*": "write"}
    assert client.user.all_territories is True
    assert ApiToken.find(raw).user == client.user


def test_command_token_authenticates(db, capsys, api_client):
    call_command("create_api_client", "ERP", "--scope", "all")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {capsys.readouterr().out.strip()}")

    assert api_client.get("/api/v1/changes/").status_code == 200


def test_api_client_user_cannot_log_in_to_the_web_ui(make_client):
    client, _raw = make_client()

    assert client.user.has_usable_password() is False


def test_hq_admin_creates_a_client_and_sees_the_token_once(client, hq_admin, world):
    client.force_login(hq_admin)

    response = client.post(
        reverse("integrations:client_create"),
        {
            "name": "用友 ERP",
            "all_resources": "read",
            "all_territories": "on",
            "rate_limit_per_minute": 600,
        },
        follow=True,
    )

    token = response.context["new_token"]
    assert ApiToken.find(token).user.api_client.name == "用友 ERP"
    again = client.get(response.request["PATH_INFO"])
    assert again.context["new_token"] is None


def test_client_form_requires_some_scope(client, hq_admin, world):
    client.force_login(hq_admin)

    response = client.post(
        reverse("integrations:client_create"),
        {"name": "x", "all_territories": "on", "rate_limit_per_minute": 600},
    )

    assert response.status_code == 200
    assert not ApiClient.objects.exists()


@pytest.mark.parametrize("persona", ["manager", "rep"])
def test_other_roles_get_403_on_client_pages(client, request, persona, make_client):
    erp, _raw = make_client()
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("integrations:client_list")).status_code == 403
    assert client.get(reverse("integrations:client_detail", args=[erp.pk])).status_code == 403


def test_revoked_token_stops_working(client, hq_admin, make_client, bearer):
    erp, raw = make_client()
    token = ApiToken.find(raw)
    client.force_login(hq_admin)

    client.post(reverse("integrations:token_revoke", args=[erp.pk, token.pk]))

    assert bearer(raw).get("/api/v1/changes/").status_code == 401


def test_expired_token_is_refused(make_client, bearer):
    _erp, raw = make_client()
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    assert bearer(raw).get("/api/v1/changes/").status_code == 401


def test_issuing_a_second_token_keeps_the_first(client, hq_admin, make_client):
    erp, _raw = make_client()
    client.force_login(hq_admin)

    client.post(reverse("integrations:token_issue", args=[erp.pk]), {"name": "backup"})

    assert ApiToken.objects.usable().filter(user=erp.user).count() == 2


def test_command_sets_the_rate_limit(db, capsys):
    call_command("create_api_client", "Fast ERP", "--scope", "all", "--rate-limit", "6000")

    assert ApiClient.objects.get(name="Fast ERP").rate_limit_per_minute == 6000
