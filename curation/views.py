"""Members report a public item to the editors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.http import AuthenticatedHttpRequest
from core.ratelimit import submit_within_limit
from curation import services
from curation.forms import ReportForm
from curation.targets import BY_SEGMENT

REPORTS_PER_HOUR = 10


@login_required
def report_create(request: AuthenticatedHttpRequest, kind: str, slug: str) -> HttpResponse:
    found = BY_SEGMENT.get(kind)
    if found is None:
        raise Http404
    target = found.public().filter(slug=slug).first()
    if target is None:
        raise Http404
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sent = submit_within_limit(
            request,
            form,
            "curation.report",
            limit=REPORTS_PER_HOUR,
            period=3600,
            too_many=_("You sent many reports in a short time. Try again later."),
            service=lambda: services.report_create(
                target=target, by=request.user, reason=form.cleaned_data["reason"]
            ),
        )
        if sent:
            messages.success(request, _("Thank you. The editors will look at your report."))
            return redirect(target.get_absolute_url())  # type: ignore[attr-defined]  # every curated model has one
    return render(
        request,
        "curation/report_form.html",
        {"form": form, "target": target, "kind_label": found.model._meta.verbose_name},
        status=400 if request.method == "POST" else 200,
    )
