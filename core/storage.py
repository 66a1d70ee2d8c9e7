"""Private uploads on the local disk, reachable only through a signed URL that expires.

On an object store the ``private`` storage signs its URLs itself (S3 query-string auth);
this is the same promise for a site without one: the files live outside MEDIA_ROOT (no web
server serves them) and ``core.views.private_media`` hands one out only for a URL whose
signature is good and whose time has not run out.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.signing import Signer
from django.urls import reverse
from django.utils.crypto import constant_time_compare

_SIGNER_SALT = "core.storage.private-media"


def _signature(name: str, expires: int) -> str:
    return Signer(salt=_SIGNER_SALT).signature(f"{name}\n{expires}")


def signature_is_valid(name: str, expires: str, signature: str) -> bool:
    """True when ``signature`` was made by this site for ``name`` and has not expired."""
    # ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
    if not (expires.isascii() and expires.isdigit()) or int(expires) < time.time():
        return False
    return constant_time_compare(signature, _signature(name, int(expires)))


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT; ``url()`` is signed and lives PRIVATE_MEDIA_URL_SECONDS."""

    def __init__(self, location: str | None = None, **kwargs: Any) -> None:
        self._private_location = location
        kwargs.setdefault("base_url", None)
        super().__init__(location=location, **kwargs)

    @property
    def base_location(self) -> str:
        # Read on every use, so that a test's override of the setting takes effect.
        return str(self._private_location or settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self) -> str:
        return str(Path(self.base_location).resolve())

    def url(self, name: str | None) -> str:
        if name is None:
            raise ValueError("A private file needs a name to have a URL.")
        expires = int(time.time()) + settings.PRIVATE_MEDIA_URL_SECONDS
        path = reverse("private_media", kwargs={"path": name})
        return f"{path}?{urlencode({'expires': expires, 'signature': _signature(name, expires)})}"
