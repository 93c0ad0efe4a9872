from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# Main navigation: (label, url name, who sees it). Entries whose URL is not
# installed yet are left out, so an app adds its page by naming it here.
NAV = [
    (_("Home"), "home", "all"),
    (_("Markets"), "markets:market_list", "all"),
    (_("Dealers"), "dealers:candidate_list", "all"),
    (_("Key accounts"), "keyaccounts:account_list", "all"),
    (_("KA matrix"), "keyaccounts:matrix", "managers"),
    (_("Targets"), "planning:index", "all"),
    (_("Territories"), "markets:territory_list", "all"),
    (_("Products"), "sales:product_list", "all"),
    (_("Import actuals"), "sales:actuals_import", "managers"),
    (_("API docs"), "api-docs", "managers"),
    (_("ERP clients"), "integrations:client_list", "hq"),
    (_("Scorecard templates"), "dealers:template_list", "hq"),
    (_("Admin"), "admin:index", "staff"),
]


def _visible(user, audience: str) -> bool:
    if audience == "managers":
        return user.is_hq or user.is_manager
    if audience == "hq":
        return user.is_hq
    if audience == "staff":
        return user.is_staff
    return True


def navigation(request):
    """Main navigation by role: reps get their field pages, managers and HQ get more."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items: list[dict[str, Any]] = []
    for label, name, audience in NAV:
        if not _visible(user, audience):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": False})
    # The longest URL that prefixes the current path is the active section.
    matches = [item for item in items if request.path.startswith(item["url"])]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    return {"nav_items": items}
