"""Members report a public item to the editors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.ratelimit import RateLimited, ratelimit_guard
from curation import services
from curation.forms import ReportForm
from curation.targets import BY_SEGMENT

REPORTS_PER_HOUR = 10


@login_required
def report_create(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    found = BY_SEGMENT.get(kind)
    if found is None:
        raise Http404
    target = found.public().filter(slug=slug).first()
    if target is None:
        raise Http404
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                with ratelimit_guard(
                    request, "curation.report", limit=REPORTS_PER_HOUR, period=3600
                ):
                    services.report_create(
                        target=target,
                        by=request.user,  # type: ignore[arg-type]
                        reason=form.cleaned_data["reason"],
                    )
            except ValidationError as error:
                form.add_error(None, error)
            except RateLimited:
                form.add_error(None, _("You sent many reports in a short time. Try again later."))
            else:
                messages.success(request, _("Thank you. The editors will look at your report."))
                return redirect(target.get_absolute_url())  # type: ignore[attr-defined]
    return render(
        request,
        "curation/report_form.html",
        {"form": form, "target": target, "kind_label": found.model._meta.verbose_name},
        status=status,
    )
