"""Key accounts: list, profile, store cards, trade terms, contacts and yearly figures."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import DetailView, ListView

from dealerhub.core.audit import history_for
from dealerhub.core.forms import apply_errors
from dealerhub.core.views import FilteredListMixin, ScopedQuerysetMixin

from .. import policies, selectors, services
from ..choices import QUADRANT_STRATEGY, ComparisonAspect, Quadrant
from ..filtersets import KeyAccountFilterSet
from ..forms import (
    AccountCreateForm,
    AccountProfileForm,
    AccountYearFormSet,
    ComparisonForm,
    ContactForm,
    OutletCardForm,
    SkuListingForm,
    TradeTermsForm,
)
from ..models import (
    AccountYear,
    Assessment,
    CompetitorComparison,
    Contact,
    KeyAccount,
    OutletCard,
    OutletYear,
    SkuListing,
    TradeTerms,
)


class AccountListView(FilteredListMixin, ScopedQuerysetMixin, ListView):
    model = KeyAccount
    filterset_class = KeyAccountFilterSet
    template_name = "keyaccounts/account_list.html"
    partial_template_name = "keyaccounts/partials/_account_table.html"

    def get_base_queryset(self):
        return selectors.account_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["quadrant_choices"] = Quadrant.choices
        return context


class AccountDetailView(ScopedQuerysetMixin, DetailView):
    model = KeyAccount
    template_name = "keyaccounts/account_detail.html"
    context_object_name = "account"

    def get_base_queryset(self):
        return KeyAccount.objects.select_related("territory", "rep")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        account = self.object
        assessments = list(
            Assessment.objects.filter(account=account).select_related("template").order_by("year")
        )
        listings = list(SkuListing.objects.filter(account=account))
        context.update(
            years=account.years.order_by("-year"),
            assessments=list(reversed(assessments)),
            movement=[
                {
                    "year": a.year,
                    "quadrant": a.quadrant,
                    "label": a.get_quadrant_display(),
                    "moved": index > 0 and assessments[index - 1].quadrant != a.quadrant,
                }
                for index, a in enumerate(assessments)
            ],
            strategy=(QUADRANT_STRATEGY[assessments[-1].quadrant] if assessments else None),
            terms=selectors.trade_terms_summary(account=account),
            org=selectors.org_tree(account=account),
            contacts=account.contacts.select_related("reports_to"),
            comparisons=account.comparisons.all(),
            cards=account.outlet_cards.select_related("outlet", "outlet__territory"),
            listings=[(listing, selectors.flag_messages(listing)) for listing in listings],
            history=history_for(account),
            can_edit=policies.can_edit_account(self.request.user, account),
            can_edit_stores=policies.can_edit_store_card(self.request.user, account),
        )
        return context


class OutletCardDetailView(ScopedQuerysetMixin, DetailView):
    model = OutletCard
    template_name = "keyaccounts/outlet_card.html"
    context_object_name = "card"

    def get_base_queryset(self):
        return OutletCard.objects.select_related(
            "outlet", "outlet__territory", "account"
        ).prefetch_related(Prefetch("years", queryset=OutletYear.objects.order_by("-year")))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["history"] = history_for(self.object)
        card = self.object
        context["can_edit"] = policies.can_edit_store_card(
            self.request.user, card.account, card.outlet
        )
        return context


@login_required
def account_edit(request, pk: int):
    """Managers and HQ edit an account profile; stale edits are refused, nothing is lost."""
    account = get_object_or_404(selectors.account_list(user=request.user), pk=pk)
    if not policies.can_edit_account(request.user, account):
        raise PermissionDenied
    form = AccountProfileForm(request.POST or None, instance=account)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            services.account_update_profile(
                account_id=account.pk, expected_updated_at=version, data=data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Key account saved."))
            return redirect("keyaccounts:account_detail", pk=account.pk)
    return render(request, "keyaccounts/account_form.html", {"form": form, "account": account})


@login_required
def account_create(request):
    if not policies.can_edit_accounts(request.user):
        raise PermissionDenied
    national = policies.may_hold_national(request.user)
    form = AccountCreateForm(request.POST or None, user=request.user, national=national)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if KeyAccount.objects.filter(external_code=data["external_code"]).exists():
            form.add_error("external_code", _("A key account with this code exists."))
        else:
            account = services.account_upsert(
                external_code=data["external_code"],
                data={k: v for k, v in data.items() if k not in ("external_code", "territory")},
                territory=data["territory"],
                national=national,
            )
            messages.success(request, _("Key account created."))
            return redirect("keyaccounts:account_detail", pk=account.pk)
    return render(
        request, "keyaccounts/record_form.html", {"form": form, "title": _("New key account")}
    )


def _editable_account(request, pk: int, *, store_cards: bool = False) -> KeyAccount:
    """The account in scope (404) the user may change (403); a national account's store
    cards are open to the managers of their stores, the rest of it to HQ."""
    account = get_object_or_404(selectors.account_list(user=request.user), pk=pk)
    if store_cards:
        allowed = policies.can_edit_store_card(request.user, account)
    else:
        allowed = policies.can_edit_account(request.user, account)
    if not allowed:
        raise PermissionDenied
    return account


RECORDS = {
    # kind: (model, form, service, service keyword, page anchor, title)
    "trade-terms": (
        TradeTerms,
        TradeTermsForm,
        services.trade_terms_save,
        "terms",
        "trade-terms",
        _lazy("Trade terms"),
    ),
    "contacts": (
        Contact,
        ContactForm,
        services.contact_save,
        "contact",
        "buyers",
        _lazy("Contact"),
    ),
    "skus": (
        SkuListing,
        SkuListingForm,
        services.sku_listing_save,
        "listing",
        "skus",
        _lazy("SKU listing"),
    ),
    "stores": (
        OutletCard,
        OutletCardForm,
        services.outlet_card_save,
        "card",
        "stores",
        _lazy("Store record card"),
    ),
}


@login_required
def record_edit(request, pk: int, kind: str, record_pk: int | None = None):
    """Add or edit one record of an account (trade terms, contact, SKU, store card)."""
    if kind not in RECORDS:
        raise Http404
    model, form_class, save, keyword, anchor, title = RECORDS[kind]
    account = _editable_account(request, pk, store_cards=model is OutletCard)
    instance = get_object_or_404(model, pk=record_pk, account=account) if record_pk else None
    if isinstance(instance, OutletCard) and not policies.can_edit_store_card(
        request.user, account, instance.outlet
    ):
        raise PermissionDenied
    extra = {}
    if form_class is ContactForm:
        extra["account"] = account
    if form_class is OutletCardForm:
        extra["user"] = request.user
    form = form_class(request.POST or None, instance=instance, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            save(
                **{keyword: form.save(commit=False)},
                account=account,
                expected_updated_at=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("keyaccounts:account_detail", args=[account.pk]) + f"#{anchor}")
    return render(
        request,
        "keyaccounts/record_form.html",
        {"form": form, "account": account, "title": title},
    )


@login_required
def years_edit(request, pk: int):
    """The network and our-business figures as one table, a row per year."""
    account = _editable_account(request, pk)
    queryset = AccountYear.objects.filter(account=account).order_by("year")
    formset = AccountYearFormSet(request.POST or None, queryset=queryset, prefix="years")
    return _table_edit(
        request,
        account=account,
        formset=formset,
        save=lambda rows: services.account_years_save(account=account, years=rows),
        title=_("Network and our business by year"),
    )


@login_required
def comparison_edit(request, pk: int):
    """Us vs competitor 1 vs competitor 2, one row per aspect."""
    account = _editable_account(request, pk)
    existing = {row.aspect for row in CompetitorComparison.objects.filter(account=account)}
    queryset = CompetitorComparison.objects.filter(account=account).order_by("id")
    # Extra rows for the aspects not filled in yet, so the table is complete.
    missing = [a for a in ComparisonAspect.values if a not in existing]
    ComparisonSet = forms.modelformset_factory(
        CompetitorComparison, form=ComparisonForm, extra=len(missing), can_delete=False
    )
    formset = ComparisonSet(
        request.POST or None,
        queryset=queryset,
        prefix="cmp",
        initial=[{"aspect": aspect} for aspect in missing],
    )
    for form in formset.forms:
        aspect = form.initial.get("aspect") or form.instance.aspect
        form.row_label = ComparisonAspect(aspect).label if aspect else ""
    return _table_edit(
        request,
        account=account,
        formset=formset,
        save=lambda rows: services.comparisons_save(account=account, rows=rows),
        title=_("Competitive comparison"),
    )


def _table_edit(request, *, account, formset, save, title):
    """A table of rows edited as one formset: the changed rows go to ``save`` in one call;
    its refusal shows above the table and nothing is saved."""
    if request.method == "POST" and formset.is_valid():
        rows = [form.save(commit=False) for form in formset.forms if form.has_changed()]
        try:
            save(rows)
        except ValidationError as exc:
            formset._non_form_errors = formset.error_class(exc.messages)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("keyaccounts:account_detail", args=[account.pk]))
    return render(
        request,
        "keyaccounts/table_form.html",
        {"formset": formset, "account": account, "title": title},
    )
