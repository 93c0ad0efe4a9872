"""The blacklist on the pages: HQ clears a false match with a reason."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from dealerhub.core.forms import apply_errors
from dealerhub.core.policies import require

from .. import policies, selectors, services
from ..choices import MatchStatus
from ..forms import BlacklistClearForm
from ..models import BlacklistMatch


@login_required
def blacklist_match_clear(request, pk: int):
    """404 outside the flagged candidate's scope, 403 for anyone but HQ."""
    match = get_object_or_404(
        selectors.blacklist_matches().filter(
            pk__in=BlacklistMatch.objects.for_user(request.user).values("pk")
        ),
        pk=pk,
    )
    require(policies.can_clear_blacklist_match(request.user))
    form = BlacklistClearForm(request.POST or None)
    if match.status == MatchStatus.OPEN and request.method == "POST" and form.is_valid():
        try:
            services.blacklist_match_clear(
                match_id=match.pk, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The blacklist match was cleared."))
            return redirect("dealers:candidate_detail", pk=match.candidate_id)
    flag = selectors.BlacklistFlag(match, show_evidence=True, source_in_scope=False)
    return render(
        request,
        "dealers/blacklist_clear.html",
        {"form": form, "match": match, "flag": flag, "candidate": match.candidate},
    )
