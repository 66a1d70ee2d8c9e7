"""Settings for ``bench/throughput.py``: the project's own settings, one URL more.

The benchmark starts gunicorn with ``DJANGO_SETTINGS_MODULE=bench.throughput_settings``.
Everything is the project's (middleware, caches, database, templates, security headers);
only the URLconf differs, and that one adds ``/bench-floor/`` in front of the project's
URLs (``bench/throughput_urls.py``). The product never loads this module, so the site
itself never serves that URL.
"""

from platform_site.settings import *  # noqa: F403

ROOT_URLCONF = "bench.throughput_urls"
