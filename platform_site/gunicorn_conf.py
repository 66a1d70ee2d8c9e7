"""gunicorn's configuration, from the environment: ``gunicorn -c platform_site/gunicorn_conf.py``.

Threaded workers (``gthread``): each worker process serves ``GUNICORN_THREADS`` requests at
once, so a request that waits on PostgreSQL or the cache does not hold a whole process;
several processes use several cores. Why gunicorn: docs/performance.md.

On TERM gunicorn stops accepting connections, lets requests in flight finish for up to
``GUNICORN_GRACEFUL_TIMEOUT`` seconds and exits 0 (Kubernetes and compose send TERM); INT
(Ctrl-C) stops at once. Each worker is replaced after ``GUNICORN_MAX_REQUESTS`` requests,
plus up to ``GUNICORN_MAX_REQUESTS_JITTER`` more so that workers do not all restart
together; a slow leak then never grows without bound.

The request line with its request id comes from ``core.request_log`` (the access log);
gunicorn's own access log stays off so each request is logged once. gunicorn's messages go
through the same logging set-up, as text or JSON (``DJANGO_LOG_FORMAT``).
"""

from __future__ import annotations

import os

from core.request_log import LOG_FORMATS, logging_config
from platform_site.env import env_int, env_optional, env_str


def _positive(name: str, default: int) -> int:
    value = env_int(name, default)
    if value < 1:
        raise ValueError(f"The environment variable {name} must be 1 or more, not {value}.")
    return value


def _not_negative(name: str, default: int) -> int:
    value = env_int(name, default)
    if value < 0:
        raise ValueError(f"The environment variable {name} must be 0 or more, not {value}.")
    return value


wsgi_app = "platform_site.wsgi:application"
# Loopback unless told otherwise; a container sets GUNICORN_BIND=0.0.0.0:8000.
bind = env_str("GUNICORN_BIND", "127.0.0.1:8000").split(",")
worker_class = "gthread"
workers = _positive("GUNICORN_WORKERS", os.cpu_count() or 1)
threads = _positive("GUNICORN_THREADS", 4)
# A worker silent for this long (a request stuck past it) is killed and replaced.
timeout = _positive("GUNICORN_TIMEOUT", 30)
graceful_timeout = _positive("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Seconds to hold an idle keep-alive connection; longer than a load balancer's own idle
# timeout would make the balancer reuse connections we already closed.
keepalive = _positive("GUNICORN_KEEPALIVE", 5)
max_requests = _not_negative("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _not_negative("GUNICORN_MAX_REQUESTS_JITTER", 100)
# Heartbeat files in memory, not on a disk that may stall (and read-only in a container).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

accesslog = None
errorlog = "-"
_log_format = env_str("DJANGO_LOG_FORMAT", "text")
if _log_format not in LOG_FORMATS:
    raise ValueError(
        f"The environment variable DJANGO_LOG_FORMAT must be one of "
        f"{', '.join(LOG_FORMATS)}, not {_log_format!r}."
    )
loglevel = env_str("DJANGO_LOG_LEVEL", "INFO").lower()
logconfig_dict = logging_config(log_format=_log_format, level=loglevel.upper())

# gunicorn 25+ opens a control socket in the home folder by default; two instances on one
# machine would fight over it. Only when a path is given.
_control_socket = env_optional("GUNICORN_CONTROL_SOCKET")
if _control_socket is None:
    control_socket_disable = True
else:
    control_socket = _control_socket
