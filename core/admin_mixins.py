"""Mixins that the apps' admins share: actions that go through the services, and rows that
only the site's own flows write."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from core.admin import ask_for_reason

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from members.models import User

    _ModelAdminBase = admin.ModelAdmin[Any]
    _AdminBase = admin.options.BaseModelAdmin[Any]
else:
    _ModelAdminBase = _AdminBase = object

T = TypeVar("T", bound=Model)


def acting_user(request: HttpRequest) -> User:
    """Who acts in the admin: ``admin_site.admin_view`` lets only signed-in staff through."""
    return cast("User", request.user)


class ServiceActionsMixin(_ModelAdminBase):
    """Actions that move the selected rows on through their service, one row at a time.

    A row the service refuses (one of ``refused_errors``) is reported with the service's own
    words and the others go on; one message counts those that went through. An admin whose
    services raise ``PermissionDenied`` only for a user without the role leaves it out, so
    that user gets "403 Forbidden" as from any other refused request.
    """

    refused_errors: tuple[type[ValidationError | PermissionDenied], ...] = (
        PermissionDenied,
        ValidationError,
    )

    def refusal(self, obj: Any, error: ValidationError | PermissionDenied) -> str:
        """The message for a row the service refused."""
        detail = " ".join(getattr(error, "messages", [])) or _("Not allowed in this state.")
        return f"{obj}: {detail}"

    def call_each(
        self,
        request: HttpRequest,
        objects: Iterable[T],
        call: Callable[[T], object],
        done: str | Callable[[int], str],
    ) -> int:
        """Call the service for each row; ``done`` says how many went through (``%(count)s``,
        or a function of the count for a plural)."""
        succeeded = 0
        for obj in objects:
            try:
                call(obj)
            except self.refused_errors as error:
                self.message_user(request, self.refusal(obj, error), messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            text = done(succeeded) if callable(done) else done % {"count": succeeded}
            self.message_user(request, text, messages.SUCCESS)
        return succeeded

    def call_each_with_reason(
        self,
        request: HttpRequest,
        objects: Sequence[T],
        call: Callable[[T, str], object],
        *,
        action: str,
        title: StrOrPromise,
        help_text: StrOrPromise,
        done: str | Callable[[int], str],
    ) -> TemplateResponse | None:
        """Ask for the reason on an intermediate page (``ask_for_reason``), then
        ``call_each`` with it: the page while there is no reason yet, else None."""
        reason, page = ask_for_reason(
            self, request, objects, action=action, title=str(title), help_text=str(help_text)
        )
        if reason is None:
            return page
        self.call_each(request, objects, lambda obj: call(obj, reason), done)
        return None


class ReadOnlyAdminMixin(_AdminBase):
    """Rows that only the site's own flows write: shown here, never added or edited by hand
    (a superuser neither). Works for a ModelAdmin and for an inline."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class HistoryAdminMixin(ReadOnlyAdminMixin):
    """A history: read-only, and nobody deletes what happened."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
