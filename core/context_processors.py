from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    """Site-wide values every template may use."""
    return {"SITE_NAME": settings.SITE_NAME, "EDITORS_EMAIL": settings.EDITORS_EMAIL}
