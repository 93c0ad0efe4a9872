"""Helpers shared by the dealer pages."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .. import selectors
from ..models import Candidate


def scoped_candidate(request, pk: int) -> Candidate:
    return get_object_or_404(selectors.candidate_list(user=request.user), pk=pk)


def safe_next(request, target: str | None, pk: int | None = None) -> str:
    """A same-site path to go back to, never an outside URL."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    if pk is not None:
        return reverse("dealers:candidate_detail", args=[pk])
    return reverse("dealers:candidate_list")
