"""Helpers shared by the market pages."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from ..models import (
    Market,
)


def scoped_market(request, pk: int) -> Market:
    return get_object_or_404(
        Market.objects.for_user(request.user).select_related("territory", "rep"), pk=pk
    )


def saved(request, name, pk):
    messages.success(request, _("Saved."))
    return redirect(name, pk=pk)
