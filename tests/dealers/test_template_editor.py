"""The HQ scorecard template editor: drafts, field errors, stale edits, permissions, publishing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from dealers import services
from dealers.models import Criterion, Evaluation, RecomputeJob, ScorecardTemplate, SubItem

from .conftest import all_ratings
from .factories import CandidateFactory

pytestmark = pytest.mark.django_db

MARKETING = ["knows_own_business", "knows_local_market", "promotion_attitude", "downstream_service"]


@pytest.fixture(autouse=True)
def english_pages(client):
    """Messages below are asserted in English; a test of its own checks the Chinese page."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def draft(default_template):
    return services.template_new_draft(template_id=default_template.pk)


def edit_url(template):
    return reverse("dealers:template_edit", args=[template.pk])


def editor_data(client, template) -> dict[str, str]:
    """What the editor page posts back unchanged: every field as the page rendered it."""
    context = client.get(edit_url(template)).context
    editor = context["editor"]
    forms = [editor.form, editor.criteria.management_form]
    for criterion_form in editor.criteria:
        forms += [criterion_form, criterion_form.items.management_form, *criterion_form.items]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else str(value)
    return data


def weights(template) -> dict[str, Decimal]:
    return dict(Criterion.objects.filter(template=template).values_list("code", "weight"))


# --- Drafts ----------------------------------------------------------------------------------


def test_hq_creates_a_draft_copying_the_published_version(client, hq_admin, default_template):
    ScorecardTemplate.objects.filter(pk=default_template.pk).update(band_strong=85)
    client.force_login(hq_admin)

    response = client.post(reverse("dealers:template_copy", args=[default_template.pk]))

    draft = ScorecardTemplate.objects.get(status="draft")
    assert response["Location"] == edit_url(draft)
    assert (draft.version, draft.band_strong, weights(draft)) == (
        default_template.version + 1,
        Decimal(85),
        weights(default_template),
    )
    assert SubItem.objects.filter(criterion__template=draft).count() == 24
    # The red-flag ratings of the version travel with the copy.
    assert dict(
        SubItem.objects.filter(criterion__template=draft, red_flag_level__isnull=False).values_list(
            "code", "red_flag_level"
        )
    ) == {"previous_partner": 1, "payment_record": 1}


def test_a_second_new_draft_click_opens_the_same_draft(client, hq_admin, draft, default_template):
    client.force_login(hq_admin)

    response = client.post(reverse("dealers:template_copy", args=[default_template.pk]))

    assert response["Location"] == edit_url(draft)
    assert ScorecardTemplate.objects.filter(status="draft").count() == 1
    assert draft.version == default_template.version + 1


def test_hq_saves_new_weights_and_level_anchors(client, hq_admin, draft):
    client.force_login(hq_admin)
    data = editor_data(client, draft)
    data.update({"criteria-0-weight": "20", "criteria-1-weight": "25"})
    data["criteria-0-items-0-level_5"] = "主动要求合作并提出市场计划"

    response = client.post(edit_url(draft), data)

    assert response.status_code == 302
    assert weights(draft) == {
        "willingness": 20,
        "reputation": 25,
        "marketing": 15,
        "market": 15,
        "management": 15,
        "strength": 10,
    }
    assert SubItem.objects.get(criterion__template=draft, code="brand_interest").level_5 == (
        "主动要求合作并提出市场计划"
    )


def test_weights_not_summing_to_100_are_refused_with_a_message(client, hq_admin, draft):
    client.force_login(hq_admin)
    data = editor_data(client, draft)
    data["criteria-0-weight"] = "30"
    before = draft.updated_at

    response = client.post(edit_url(draft), data)

    assert response.status_code == 200
    assert response.context["editor"].criteria_errors == ["Criterion weights sum to 105, not 100."]
    draft.refresh_from_db()
    assert (weights(draft)["willingness"], draft.updated_at) == (25, before)


def test_a_zero_weight_is_refused_on_its_field(client, hq_admin, draft):
    client.force_login(hq_admin)
    data = editor_data(client, draft)
    data.update({"criteria-0-weight": "0", "criteria-1-weight": "45"})

    response = client.post(edit_url(draft), data)

    errors = response.context["editor"].criteria.forms[0].errors
    assert errors == {"weight": ["The weight must be positive."]}
    assert weights(draft)["willingness"] == 25


def test_unordered_bands_are_refused_on_the_band_field(client, hq_admin, draft):
    client.force_login(hq_admin)
    data = editor_data(client, draft)
    data["band_strong"] = "60"

    response = client.post(edit_url(draft), data)

    assert response.context["editor"].form.errors == {
        "band_strong": ["Must be above the recommended band edge (65)."]
    }
    draft.refresh_from_db()
    assert draft.band_strong == 80


def test_a_threshold_above_100_is_refused_on_its_field(client, hq_admin, draft):
    client.force_login(hq_admin)
    data = editor_data(client, draft)
    data["willingness_gate_below"] = "120"

    response = client.post(edit_url(draft), data)

    assert list(response.context["editor"].form.errors) == ["willingness_gate_below"]


def test_a_subitem_code_used_in_another_criterion_is_refused(client, hq_admin, draft):
    client.force_login(hq_admin)
    data = editor_data(client, draft)
    data["criteria-1-items-0-code"] = "brand_interest"  # willingness already has it

    response = client.post(edit_url(draft), data)

    editor = response.context["editor"]
    assert editor.criteria.forms[1].items.forms[0].errors == {
        "code": ["Another sub-item has this code."]
    }
    assert editor.criteria.forms[0].items.forms[0].errors == {
        "code": ["Another sub-item has this code."]
    }


def test_hq_adds_and_removes_subitems(client, hq_admin, draft):
    client.force_login(hq_admin)
    data = editor_data(client, draft)
    data["criteria-1-items-2-DELETE"] = "on"  # reputation: payment_record
    data.update(  # the blank row under reputation
        {
            "criteria-1-items-3-code": "litigation",
            "criteria-1-items-3-name": "诉讼记录",
            "criteria-1-items-3-name_en": "Litigation record",
            "criteria-1-items-3-weight": "2",
            "criteria-1-items-3-position": "3",
            "criteria-1-items-3-level_1": "与供应商多起诉讼",
        }
    )

    response = client.post(edit_url(draft), data)

    assert response.status_code == 302
    assert list(
        SubItem.objects.filter(criterion__template=draft, criterion__code="reputation")
        .order_by("position")
        .values_list("code", "weight")
    ) == [("trade_opinion", 1), ("previous_partner", 1), ("litigation", 2)]
    assert SubItem.objects.get(criterion__template=draft, code="litigation").level_1 == (
        "与供应商多起诉讼"
    )


def test_hq_adds_a_criterion_with_its_subitem_and_removes_another(client, hq_admin, draft):
    client.force_login(hq_admin)
    data = editor_data(client, draft)
    data["criteria-5-DELETE"] = "on"  # strength (weight 10) goes …
    data.update(  # … a new criterion takes its weight, with a sub-item, in the same save
        {
            "criteria-6-code": "service",
            "criteria-6-name": "服务能力",
            "criteria-6-weight": "10",
            "criteria-6-position": "6",
            "criteria-6-items-0-code": "after_sales",
            "criteria-6-items-0-name": "售后服务",
            "criteria-6-items-0-weight": "1",
        }
    )

    client.post(edit_url(draft), data)

    assert list(
        SubItem.objects.filter(criterion__template=draft, criterion__code="service").values_list(
            "code", flat=True
        )
    ) == ["after_sales"]
    assert set(weights(draft)) == {
        "willingness",
        "reputation",
        "marketing",
        "market",
        "management",
        "service",
    }


def test_swapping_two_criterion_codes_saves(client, hq_admin, draft):
    client.force_login(hq_admin)
    data = editor_data(client, draft)
    data.update({"criteria-2-code": "market", "criteria-3-code": "marketing"})

    response = client.post(edit_url(draft), data)

    assert response.status_code == 302
    assert list(
        Criterion.objects.filter(template=draft).order_by("position").values_list("code", flat=True)
    ) == ["willingness", "reputation", "market", "marketing", "management", "strength"]


def test_a_published_version_is_read_only(client, hq_admin, default_template):
    client.force_login(hq_admin)

    response = client.get(edit_url(default_template))
    page = client.get(response["Location"])

    assert response["Location"] == reverse("dealers:template_detail", args=[default_template.pk])
    assert page.status_code == 200
    assert edit_url(default_template) not in page.content.decode()


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(client, hq_admin, draft):
    client.force_login(hq_admin)
    first = editor_data(client, draft)
    second = dict(first)
    first.update({"criteria-0-weight": "20", "criteria-1-weight": "25"})
    assert client.post(edit_url(draft), first).status_code == 302
    second.update({"criteria-0-weight": "30", "criteria-1-weight": "15"})

    response = client.post(edit_url(draft), second)

    editor = response.context["editor"]
    assert editor.form.non_field_errors() == [
        "Someone else changed this record after you opened it. "
        "Reload the page to see their changes, then edit again."
    ]
    assert editor.criteria.forms[0]["weight"].value() == "30"  # the second edit is still there
    assert (weights(draft)["willingness"], weights(draft)["reputation"]) == (20, 25)


# --- Permissions --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["manager", "rep"])
@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("get", "template_detail"),
        ("get", "template_edit"),
        ("post", "template_edit"),
        ("get", "template_publish"),
        ("post", "template_publish"),
        ("post", "template_copy"),
    ],
)
def test_editor_urls_are_403_outside_hq(client, request, persona, method, name, draft):
    client.force_login(request.getfixturevalue(persona))
    before = list(ScorecardTemplate.objects.values_list("pk", "status", "updated_at"))

    response = getattr(client, method)(reverse(f"dealers:{name}", args=[draft.pk]))

    assert response.status_code == 403
    assert list(ScorecardTemplate.objects.values_list("pk", "status", "updated_at")) == before
    assert not RecomputeJob.objects.exists()


@pytest.mark.parametrize(("persona", "shown"), [("hq_admin", True), ("manager", False)])
def test_the_menu_links_the_editor_for_hq_only(client, request, persona, shown, default_template):
    client.force_login(request.getfixturevalue(persona))

    page = client.get(reverse("home")).content.decode()

    assert (f'href="{reverse("dealers:template_list")}"' in page) is shown


# --- Publishing -----------------------------------------------------------------------------


def test_publish_page_previews_the_impact(client, hq_admin, manager, world, draft):
    services.evaluation_save(
        candidate_id=CandidateFactory(market=world.shenzhen_market).pk,
        user=manager,
        ratings=all_ratings(4, **dict.fromkeys(MARKETING, 2)),
        submit=True,
    )  # 80 − 0.4 × marketing weight 15 = 74.0: recommended
    for code, weight in {
        "willingness": 15,
        "reputation": 10,
        "marketing": 40,
        "management": 10,
    }.items():
        Criterion.objects.filter(template=draft, code=code).update(weight=weight)  # 64.0
    client.force_login(hq_admin)

    response = client.get(reverse("dealers:template_publish", args=[draft.pk]))

    impact = response.context["impact"]
    assert [(c.before, c.after, c.count) for c in impact.changes] == [
        ("recommended", "conditional", 1)
    ]
    page = response.content.decode()
    assert "深圳市" in page
    assert "Publish and recompute" in page


def test_the_editor_speaks_chinese_by_default(client, hq_admin, draft):
    client.force_login(hq_admin)

    page = client.get(edit_url(draft), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "保存草稿" in page


def test_publish_from_the_editor_runs_the_recompute(client, hq_admin, manager, world, draft):
    evaluation = services.evaluation_save(
        candidate_id=CandidateFactory(market=world.shenzhen_market).pk,
        user=manager,
        ratings=all_ratings(4, brand_interest=5, commitment=5, cost_sharing=5, responsiveness=5),
        submit=True,
    )  # 85.0
    client.force_login(hq_admin)
    data = editor_data(client, draft)
    data.update({"criteria-0-weight": "35", "criteria-1-weight": "10", "preview": "1"})
    preview = client.post(edit_url(draft), data)
    version = client.get(preview["Location"]).context["version_form"]["version"].value()

    response = client.post(preview["Location"], {"version": version})
    job = services.recompute_job_run(job_id=RecomputeJob.objects.get(template=draft).pk)

    evaluation.refresh_from_db()
    assert response["Location"] == reverse("dealers:template_list")
    assert (job.status, job.changed) == ("done", 1)
    # 35×100 + 65×80 = 8700
    assert (evaluation.total, evaluation.template_id) == (Decimal("87.0"), draft.pk)


def test_publish_is_refused_when_the_draft_changed_after_the_preview(client, hq_admin, draft):
    client.force_login(hq_admin)
    url = reverse("dealers:template_publish", args=[draft.pk])
    version = client.get(url).context["version_form"]["version"].value()
    client.post(edit_url(draft), editor_data(client, draft))  # someone saves meanwhile

    response = client.post(url, {"version": version})

    draft.refresh_from_db()
    assert (response["Location"], draft.status) == (url, "draft")
    assert not RecomputeJob.objects.exists()
    assert Evaluation.objects.count() == 0


# --- Red-flag levels -------------------------------------------------------------------------


def item_prefix(data: dict[str, str], code: str) -> str:
    """The form prefix ("criteria-1-items-2") of the sub-item with this code."""
    return next(key[: -len("-code")] for key, value in data.items() if value == code)


def red_flag_levels(template) -> dict[str, int]:
    return dict(
        SubItem.objects.filter(
            criterion__template=template, red_flag_level__isnull=False
        ).values_list("code", "red_flag_level")
    )


def test_editor_shows_the_red_flag_level_with_its_help(client, hq_admin, draft):
    client.force_login(hq_admin)
    data = editor_data(client, draft)
    assert data[f"{item_prefix(data, 'previous_partner')}-red_flag_level"] == "1"
    page = client.get(edit_url(draft)).content.decode()
    assert "Red flag at or below level" in page
    assert "A rating at or below this level is a red flag: the dealer is rejected." in page


def test_hq_sets_and_clears_a_red_flag_level(client, hq_admin, draft):
    client.force_login(hq_admin)
    data = editor_data(client, draft)
    data[f"{item_prefix(data, 'people')}-red_flag_level"] = "2"
    data.pop(f"{item_prefix(data, 'payment_record')}-red_flag_level")

    response = client.post(edit_url(draft), data)

    assert response.status_code == 302
    assert red_flag_levels(draft) == {"previous_partner": 1, "people": 2}


def test_a_red_flag_level_off_the_scale_is_refused_and_nothing_changes(client, hq_admin, draft):
    client.force_login(hq_admin)
    data = editor_data(client, draft)
    data[f"{item_prefix(data, 'people')}-red_flag_level"] = "6"

    response = client.post(edit_url(draft), data)

    assert response.status_code == 200
    assert red_flag_levels(draft) == {"previous_partner": 1, "payment_record": 1}
