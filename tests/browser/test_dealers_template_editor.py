"""HQ edits a scorecard template on a desktop, previews the impact and publishes."""

from importlib import import_module

import pytest
from django.apps import apps

from dealers import services
from dealers.models import Criterion, RecomputeJob, ScorecardTemplate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(db):
    # Transactional tests flush the scorecard the migration installed: put it back.
    import_module("dealers.migrations.0002_default_template").install(apps, None)
    published = ScorecardTemplate.objects.get(version=1)
    return services.template_new_draft(template_id=published.pk)


def test_hq_edits_weights_previews_and_publishes_on_a_desktop(
    desktop, live_server, login, hq_admin, draft, screenshot
):
    login(desktop, hq_admin.username)
    desktop.goto(f"{live_server.url}/dealers/templates/{draft.pk}/edit/")
    desktop.fill("input[name=criteria-0-weight]", "30")
    desktop.click("button[type=submit].primary")
    assert desktop.locator("[role=alert]").first.is_visible()  # 105 ≠ 100: not saved
    desktop.fill("input[name=criteria-1-weight]", "15")
    screenshot(desktop, "desktop-template-editor")
    desktop.click("button[name=preview]")
    desktop.wait_for_url(f"**/dealers/templates/{draft.pk}/publish/")
    screenshot(desktop, "desktop-template-publish")
    desktop.click("main form button.primary")
    desktop.wait_for_url("**/dealers/templates/")

    weights = dict(Criterion.objects.filter(template=draft).values_list("code", "weight"))
    assert (weights["willingness"], weights["reputation"]) == (30, 15)
    assert ScorecardTemplate.objects.get(pk=draft.pk).status == "published"
    assert RecomputeJob.objects.filter(template=draft).count() == 1


def test_the_editor_and_its_preview_fit_a_phone(phone, live_server, login, hq_admin, draft):
    login(phone, hq_admin.username)

    widths = []
    for page in ("edit/", "publish/", ""):
        phone.goto(f"{live_server.url}/dealers/templates/{draft.pk}/{page}")
        widths.append(phone.evaluate("document.documentElement.scrollWidth"))

    assert max(widths) <= 375
