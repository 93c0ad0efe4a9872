from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request):
    """Main navigation, by role: reps get their markets, managers and HQ get more."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        (_("Home"), reverse("home")),
        (_("Markets"), reverse("markets:market_list")),
        (_("Territories"), reverse("markets:territory_list")),
    ]
    if user.is_hq or user.is_manager:
        items.append((_("API docs"), reverse("api-docs")))
    if user.is_staff:
        items.append((_("Admin"), reverse("admin:index")))
    current = request.path
    return {
        "nav_items": [
            {
                "label": label,
                "url": url,
                "active": url != "/" and current.startswith(url) or url == current,
            }
            for label, url in items
        ]
    }
