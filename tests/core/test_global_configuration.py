"""Global configuration pages (objection playbook, dealer scorecard templates, KA scoring
templates and thresholds) change only for HQ admins; others in scope get 403 and
nothing changes."""

import pytest
from django.urls import reverse

from dealers.models import ObjectionAnswer, ScorecardTemplate
from keyaccounts import scoring as ka_scoring
from keyaccounts import services as ka_services
from keyaccounts.models import RecomputeJob as KaRecomputeJob
from keyaccounts.models import ScorecardTemplate as KaTemplate

from ..dealers.factories import CandidateFactory

pytestmark = pytest.mark.django_db

NOT_HQ = ["manager", "rep"]


@pytest.fixture
def playbook_item():
    return ObjectionAnswer.objects.get(objection="price_high")  # installed by a migration


@pytest.fixture
def published():
    return ScorecardTemplate.objects.get(status="published")


@pytest.fixture
def ka_templates(db):
    default = ka_services.default_template()
    other = ka_services.template_create(name="严格", criteria=list(ka_scoring.DEFAULT_CRITERIA))
    return default, other


def _playbook_post(item) -> dict:
    return {"heading": item.heading, "answer": "算账给他看", "version": item.updated_at.isoformat()}


@pytest.mark.parametrize("persona", NOT_HQ)
def test_playbook_edit_is_403_outside_hq_and_changes_nothing(
    client, request, persona, playbook_item
):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("dealers:objection_edit", args=[playbook_item.pk])

    statuses = (
        client.get(url).status_code,
        client.post(url, _playbook_post(playbook_item)).status_code,
    )

    assert statuses == (403, 403)
    assert ObjectionAnswer.objects.get(pk=playbook_item.pk).answer == playbook_item.answer


def test_hq_edits_the_playbook(client, hq_admin, playbook_item):
    client.force_login(hq_admin)
    url = reverse("dealers:objection_edit", args=[playbook_item.pk])

    response = client.post(url, _playbook_post(playbook_item))

    assert response.status_code == 302
    assert ObjectionAnswer.objects.get(pk=playbook_item.pk).answer == "算账给他看"


@pytest.mark.parametrize(("persona", "shows_edit"), [("manager", False), ("hq_admin", True)])
def test_candidate_page_offers_playbook_edits_to_hq_only(
    client, request, persona, shows_edit, world, playbook_item
):
    candidate = CandidateFactory(market=world.shenzhen_market)
    client.force_login(request.getfixturevalue(persona))

    page = client.get(reverse("dealers:candidate_detail", args=[candidate.pk])).content.decode()

    edit_url = reverse("dealers:objection_edit", args=[playbook_item.pk])
    assert (edit_url in page) is shows_edit


@pytest.mark.parametrize("persona", NOT_HQ)
def test_scorecard_template_changes_are_403_outside_hq(client, request, persona, published):
    client.force_login(request.getfixturevalue(persona))

    statuses = (
        client.post(reverse("dealers:template_copy", args=[published.pk])).status_code,
        client.post(reverse("dealers:template_publish", args=[published.pk])).status_code,
    )

    assert statuses == (403, 403)
    assert list(ScorecardTemplate.objects.values_list("version", "status")) == [
        (2, "published"),
        (1, "retired"),
    ]


def test_hq_copies_and_publishes_a_scorecard_template(client, hq_admin, published):
    client.force_login(hq_admin)

    client.post(reverse("dealers:template_copy", args=[published.pk]))
    draft = ScorecardTemplate.objects.get(status="draft")
    response = client.post(reverse("dealers:template_publish", args=[draft.pk]))

    assert response.status_code == 302
    assert list(ScorecardTemplate.objects.order_by("version").values_list("status", flat=True)) == [
        "retired",
        "retired",
        "published",
    ]


def test_manager_reads_the_scorecard_templates_without_edit_buttons(client, manager, published):
    client.force_login(manager)

    response = client.get(reverse("dealers:template_list"))

    assert response.status_code == 200
    assert reverse("dealers:template_copy", args=[published.pk]) not in response.content.decode()


@pytest.mark.parametrize("persona", NOT_HQ)
def test_ka_templates_and_thresholds_are_403_outside_hq(client, request, persona, ka_templates):
    default, other = ka_templates
    client.force_login(request.getfixturevalue(persona))

    statuses = (
        client.get(reverse("keyaccounts:template_list")).status_code,
        client.get(reverse("keyaccounts:template_create")).status_code,
        client.post(reverse("keyaccounts:template_create"), {"name": "x"}).status_code,
        client.post(reverse("keyaccounts:template_make_default", args=[other.pk])).status_code,
    )

    assert statuses == (403, 403, 403, 403)
    assert list(KaTemplate.objects.filter(is_default=True)) == [default]
    assert KaTemplate.objects.count() == 2
    assert not KaRecomputeJob.objects.exists()


def test_hq_makes_another_ka_template_the_default(client, hq_admin, ka_templates):
    _default, other = ka_templates
    client.force_login(hq_admin)

    response = client.post(reverse("keyaccounts:template_make_default", args=[other.pk]))

    assert response.status_code == 302
    assert list(KaTemplate.objects.filter(is_default=True)) == [other]
