import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platform_site.settings")

django_application = get_asgi_application()

from core.middleware import ASGIRequestSizeLimit  # noqa: E402 (once Django is set up)

# Django's ASGI handler reads the whole body before any middleware runs: cap it here.
application = ASGIRequestSizeLimit(django_application)
