"""Outlets of a market: list, Excel export and import with preview."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import ListView

from dealerhub.core.views import FilteredListMixin, ScopedQuerysetMixin

from .. import forms as market_forms
from .. import selectors, services
from ..filtersets import OutletFilterSet
from ..models import (
    Outlet,
    OutletImport,
)
from .base import scoped_market


class OutletListView(FilteredListMixin, ScopedQuerysetMixin, ListView):
    """All outlets of a market (the full outlet table behind the market page)."""

    model = Outlet
    filterset_class = OutletFilterSet
    template_name = "markets/outlet_list.html"
    partial_template_name = "markets/partials/_outlet_table.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.market = scoped_market(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        return (
            selectors.market_outlets(market=self.market)
            .select_related("territory")
            .order_by("kind", "name", "id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["market"] = self.market
        return context


@login_required
def outlet_export(request, pk: int):
    market = scoped_market(request, pk)
    outlets = OutletFilterSet(
        request.GET or None,
        queryset=selectors.market_outlets(market=market)
        .for_user(request.user)
        .select_related("territory")
        .order_by("kind", "name", "id"),
    ).qs
    content = services.outlets_export_xlsx(outlets=outlets)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"outlets-{market.territory.code}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def outlet_import(request, pk: int):
    """Upload a file: it is checked and previewed; nothing is imported until confirmed."""
    market = scoped_market(request, pk)
    form = market_forms.OutletImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > services.MAX_IMPORT_BYTES:
            form.add_error("file", _("The file may be at most 5 MB."))
        else:
            batch = services.outlet_import_prepare(
                market_id=market.pk, by=request.user, filename=upload.name, content=upload.read()
            )
            return redirect("markets:outlet_import_preview", pk=market.pk, import_id=batch.pk)
    return render(request, "markets/outlet_import.html", {"form": form, "market": market})


def _scoped_import(request, market, import_id):
    return get_object_or_404(
        OutletImport.objects.for_user(request.user),
        pk=import_id,
        market=market,
        uploaded_by=request.user,
    )


@login_required
def outlet_import_preview(request, pk: int, import_id: int):
    market = scoped_market(request, pk)
    batch = _scoped_import(request, market, import_id)
    if request.method == "POST":
        try:
            services.outlet_import_apply(
                import_id=batch.pk,
                by=request.user,
                accept_errors=request.POST.get("accept_errors") == "1",
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            batch.refresh_from_db()
            messages.success(
                request,
                _("Imported: %(created)d new, %(updated)d updated.")
                % {"created": batch.created_count, "updated": batch.updated_count},
            )
            return redirect("markets:outlet_list", pk=market.pk)
    return render(
        request,
        "markets/outlet_import_preview.html",
        {"market": market, "batch": batch, "preview": batch.rows[:200]},
    )
