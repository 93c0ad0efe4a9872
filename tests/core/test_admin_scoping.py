"""The Django admin: every page is territory-scoped or HQ-only (dealerhub.core.admin).

The regional manager here is staff with *every* model permission, so what stops them is
the rule, not a missing permission.
"""

import uuid

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import ApiToken, Role
from dealerhub.core.admin import ScopedInline, is_hq_only
from dealerhub.core.models import IdempotencyRecord, OutboxEntry
from dealers.models import Candidate, Contract
from integrations.models import ApiClient, Tombstone, WebhookDelivery, WebhookSubscription
from keyaccounts.admin import ContactInline
from keyaccounts.models import Contact, KeyAccount
from markets.models import Market, Territory

from ..dealers.factories import CandidateFactory
from ..factories import UserFactory
from ..keyaccounts.factories import KeyAccountFactory

TERRITORY_SCOPED = {
    "accounts.user",
    "dealers.candidate",
    "dealers.contract",
    "dealers.dealer",
    "dealers.evaluation",
    "keyaccounts.assessment",
    "keyaccounts.keyaccount",
    "keyaccounts.outletcard",
    "keyaccounts.skulisting",
    "markets.competitor",
    "markets.market",
    "markets.marketplan",
    "markets.marketstatuschange",
    "markets.marketsurvey",
    "markets.outlet",
    "markets.territory",
    "planning.subregion",
    "planning.target",
    "planning.targetplan",
}


def _staff(user):
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.all())
    return user


@pytest.fixture
def staff_manager(manager):
    return _staff(manager)


@pytest.fixture
def staff_hq(hq_admin):
    return _staff(hq_admin)


@pytest.fixture
def integration(world):
    """An ERP client whose user, token and webhooks all sit in the manager's territory."""
    erp = UserFactory(username="erp_sz", role=Role.ERP_CLIENT, territories=[world.shenzhen])
    client = ApiClient.objects.create(name="深圳ERP", user=erp, resource_scopes={"*": "write"})
    token, _raw = ApiToken.issue(user=erp, name="sync")
    subscription = WebhookSubscription.objects.create(
        client=client, event="dealer.signed", url="https://erp.example.com/hook"
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event="dealer.signed", event_id=uuid.uuid4(), body="{}"
    )
    outbox = OutboxEntry.objects.create(task_name="dealers.tasks.render_sheets", args=[[1]])
    return {
        "apiclient": client,
        "apitoken": token,
        "webhooksubscription": subscription,
        "webhookdelivery": delivery,
        "outboxentry": outbox,
    }


def _label(model) -> str:
    return model._meta.label_lower


def _changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _change(obj) -> str:
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def _hq_only_models():
    return [model for model, model_admin in admin.site._registry.items() if is_hq_only(model_admin)]


def _token_form(token, user) -> dict:
    return {
        "user": user.pk,
        "name": token.name,
        "expires_at_0": "",
        "expires_at_1": "",
        "revoked_at_0": "",
        "revoked_at_1": "",
    }


# --- The rule --------------------------------------------------------------------------------


def test_every_admin_page_is_territory_scoped_or_hq_only():
    scoped = {
        _label(model)
        for model, model_admin in admin.site._registry.items()
        if getattr(model_admin, "territory_scoped", False)
    }
    neither = [
        _label(model)
        for model, model_admin in admin.site._registry.items()
        if not is_hq_only(model_admin) and _label(model) not in scoped
    ]

    assert neither == []
    assert scoped == TERRITORY_SCOPED
    unscoped_inlines = [
        inline.__name__
        for model, model_admin in admin.site._registry.items()
        if _label(model) in scoped
        for inline in model_admin.inlines
        if not issubclass(inline, ScopedInline)
    ]
    assert unscoped_inlines == []


def test_integration_and_global_models_are_hq_only_and_the_rest_unregistered():
    hq_only = {_label(model) for model in _hq_only_models()}

    assert {
        "accounts.apitoken",
        "auth.group",
        "core.outboxentry",
        "dealers.criterion",
        "dealers.objectionanswer",
        "dealers.recomputejob",
        "dealers.scorecardtemplate",
        "integrations.adminnotice",
        "integrations.apiclient",
        "integrations.webhookdelivery",
        "integrations.webhooksubscription",
        "keyaccounts.recomputejob",
        "keyaccounts.scorecardtemplate",
        "markets.checklistcriterion",
        "pghistory.events",
    } <= hq_only
    # No admin page at all, so none to open unscoped.
    assert not admin.site.is_registered(IdempotencyRecord)
    assert not admin.site.is_registered(Tombstone)


# --- HQ-only pages ---------------------------------------------------------------------------


def test_manager_gets_403_on_every_hq_only_list_and_sees_none_on_the_index(client, staff_manager):
    client.force_login(staff_manager)

    statuses = {_label(m): client.get(_changelist(m)).status_code for m in _hq_only_models()}
    index = client.get(reverse("admin:index"))

    assert set(statuses.values()) == {403}
    listed = {
        f"{app['app_label']}.{model['object_name'].lower()}"
        for app in index.context["available_apps"]
        for model in app["models"]
    }
    assert listed == TERRITORY_SCOPED
    assert listed & set(statuses) == set()


def test_hq_admin_opens_every_hq_only_list(client, staff_hq):
    client.force_login(staff_hq)

    statuses = {_label(m): client.get(_changelist(m)).status_code for m in _hq_only_models()}

    assert set(statuses.values()) == {200}


@pytest.mark.parametrize(
    "name", ["apiclient", "apitoken", "webhooksubscription", "webhookdelivery", "outboxentry"]
)
def test_manager_cannot_open_integration_records_in_their_own_territory(
    client, staff_manager, integration, name
):
    client.force_login(staff_manager)

    assert client.get(_change(integration[name])).status_code == 403


def test_manager_cannot_hand_an_api_token_to_another_user(client, staff_manager, integration):
    token = integration["apitoken"]
    client.force_login(staff_manager)

    response = client.post(_change(token), _token_form(token, staff_manager))

    assert response.status_code == 403
    token.refresh_from_db()
    assert token.user.username == "erp_sz"


def test_hq_admin_can_hand_an_api_token_to_another_user(client, staff_hq, integration, world):
    token = integration["apitoken"]
    other = UserFactory(username="erp_sz2", role=Role.ERP_CLIENT, territories=[world.shenzhen])
    client.force_login(staff_hq)

    response = client.post(_change(token), _token_form(token, other))

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.user == other


def test_superuser_counts_as_hq_in_the_admin(client, integration):
    root = UserFactory(username="root", role=Role.REP, is_superuser=True, is_staff=True)
    client.force_login(root)

    assert client.get(_change(integration["apitoken"])).status_code == 200


# --- Territory-scoped pages ------------------------------------------------------------------


@pytest.fixture
def candidates(world):
    return {
        "in_scope": CandidateFactory(external_code="SZ-A1", market=world.shenzhen_market),
        "outside": CandidateFactory(external_code="CS-A1", market=world.changsha_market),
    }


def test_manager_lists_only_candidates_in_their_territories(client, staff_manager, candidates):
    client.force_login(staff_manager)

    response = client.get(_changelist(Candidate))

    assert [c.external_code for c in response.context["cl"].result_list] == ["SZ-A1"]


def test_manager_opening_a_candidate_outside_scope_is_sent_away(client, staff_manager, candidates):
    client.force_login(staff_manager)

    response = client.get(_change(candidates["outside"]))

    assert (response.status_code, response.url) == (302, reverse("admin:index"))


def test_manager_can_only_choose_markets_and_territories_in_scope(staff_manager, candidates, world):
    request = RequestFactory().get("/admin/")
    request.user = staff_manager

    candidate_form = admin.site.get_model_admin(Candidate).get_form(request, candidates["in_scope"])
    contract_form = admin.site.get_model_admin(Contract).get_form(request)

    assert set(candidate_form.base_fields["market"].queryset) == set(
        Market.objects.for_user(staff_manager)
    )
    assert world.changsha_market not in candidate_form.base_fields["market"].queryset
    assert set(contract_form.base_fields["territories"].queryset) == set(
        Territory.objects.for_user(staff_manager)
    )


def test_manager_picks_whom_a_ka_contact_reports_to_only_in_scope(staff_manager, world):
    mine = KeyAccountFactory(external_code="KA-SZ", territory=world.shenzhen)
    theirs = KeyAccountFactory(external_code="KA-CS", territory=world.changsha)
    boss = Contact.objects.create(account=mine, name="王采购")
    Contact.objects.create(account=theirs, name="李采购")
    request = RequestFactory().get("/admin/")
    request.user = staff_manager
    inline = ContactInline(KeyAccount, admin.site)

    field = inline.get_formset(request, mine).form.base_fields["reports_to"]

    assert list(field.queryset) == [boss]


# --- Users: scoped, and no one but HQ grants roles or permissions ----------------------------


def test_manager_sees_themselves_and_the_reps_in_their_territories(
    client, staff_manager, rep, rep_outside, hq_admin, integration, world
):
    UserFactory(username="mgr_gd2", role=Role.MANAGER, territories=[world.shenzhen])
    client.force_login(staff_manager)

    response = client.get(_changelist(type(staff_manager)))

    assert sorted(u.username for u in response.context["cl"].result_list) == ["mgr", "rep_sz"]


def test_manager_cannot_raise_their_own_role_or_permissions(client, staff_manager, world):
    client.force_login(staff_manager)

    response = client.post(
        _change(staff_manager),
        {
            "username": "mgr",
            "first_name": "",
            "last_name": "",
            "email": "",
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
            "role": Role.HQ_ADMIN,
            "all_territories": "on",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-05",
            "date_joined_1": "09:00:00",
            "display_name": "广东经理",
            "phone": "",
            "territories": [world.guangdong.pk],
        },
    )

    assert response.status_code == 302
    staff_manager.refresh_from_db()
    assert (
        staff_manager.display_name,
        staff_manager.is_superuser,
        staff_manager.role,
        staff_manager.all_territories,
    ) == ("广东经理", False, Role.MANAGER, False)


def test_manager_cannot_add_users_and_hq_can(client, staff_manager, staff_hq):
    client.force_login(staff_manager)
    denied = client.get(reverse("admin:accounts_user_add")).status_code
    client.force_login(staff_hq)
    allowed = client.get(reverse("admin:accounts_user_add")).status_code

    assert (denied, allowed) == (403, 200)
