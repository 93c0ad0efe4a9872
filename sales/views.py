"""Products (read by all, edited by HQ) and the import of actuals (managers, in scope)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.generic import ListView

from dealerhub.core.forms import apply_errors
from dealerhub.core.policies import require
from dealerhub.core.tabular import MAX_BYTES

from . import policies, selectors, services
from .forms import ActualsImportForm, ProductForm
from .models import Product


class ProductListView(ListView):
    template_name = "sales/product_list.html"
    context_object_name = "products"
    paginate_by = 50

    def get_queryset(self):
        return selectors.product_list(
            user=self.request.user, category=self.request.GET.get("category", "")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = policies.can_edit_products(self.request.user)
        return context


product_list = login_required(ProductListView.as_view())


@login_required
def product_edit(request, pk: int | None = None):
    require(policies.can_edit_products(request.user))
    product = get_object_or_404(Product, pk=pk) if pk is not None else Product()
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.product_save(
                product_id=pk, values=values, expected_updated_at=form.cleaned_data.get("version")
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Product saved."))
            return redirect("sales:product_list")
    return render(request, "sales/product_form.html", {"form": form, "product": product})


@login_required
def actuals_import(request):
    """Upload sell-in lines or collections; all rows are applied, or none."""
    require(policies.can_import_actuals(request.user))
    form = ActualsImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            form.add_error("file", _("The file may be at most 5 MB."))
        else:
            try:
                report = services.actuals_import(
                    user=request.user, kind=form.cleaned_data["kind"], content=upload.read()
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                if report.ok:
                    messages.success(request, _("Imported %(rows)d rows.") % {"rows": report.rows})
                    return redirect("sales:actuals_import")
    return render(request, "sales/actuals_import.html", {"form": form, "report": report})
