"""The project's admin site: the allauth login, and a second factor before anything else.

Django's ``admin`` app uses this class for ``admin.site`` (``platform_site.apps.AdminConfig``),
so every app registers its models here as usual.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any, TypeVar, cast

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from members import roles

_View = TypeVar("_View", bound=Callable[..., Any])


def second_factor_required(request: HttpRequest) -> HttpResponse:
    """The page a staff member without a second factor sees instead of any admin page."""
    return render(request, "admin/second_factor_required.html", status=403)


class SiteAdmin(admin.AdminSite):
    site_header = format_lazy("{name} · {part}", name=settings.SITE_NAME, part=_("curation"))
    site_title = format_lazy("{name} · {part}", name=settings.SITE_NAME, part=_("admin"))
    index_title = _("Curate the platform")

    def has_permission(self, request: HttpRequest) -> bool:
        return roles.may_enter_admin(request.user)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        # Through allauth's login, so the admin shares its rate limits and its MFA stage.
        return secure_admin_login(super().login)(request, extra_context)

    def admin_view(self, view: _View, cacheable: bool = False) -> _View:
        """Every admin page (and action POST) checks the second factor, except logging out.

        Django's own wrapper runs first: a visitor or a non-staff member is still sent to
        the login; only then does a staff member without an authenticator get the page.
        """
        if view == self.logout:
            return super().admin_view(view, cacheable)

        def with_second_factor(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if roles.needs_second_factor(request.user):
                return second_factor_required(request)
            return view(request, *args, **kwargs)

        guarded = cast(_View, update_wrapper(with_second_factor, view))
        return super().admin_view(guarded, cacheable)
