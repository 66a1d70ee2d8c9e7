"""bench/throughput.py, run for a few seconds: a row per page with numbers, and nothing left
behind (its gunicorn, its database).

The benchmark itself takes minutes and is not part of ``make test``; this runs it with tiny
settings (one gunicorn worker, two connections, blocks of a quarter second) on a database
of its own on the test suite's PostgreSQL server, migrated and seeded as in a real run.
"""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
PAGES = [
    "home",
    "initiative list",
    "initiative detail",
    "search",
    "organisation page",
    "stamp wall",
    "badge SVG",
    "badge PNG",
]
NUMBER = r"\d+(?:\.\d+)?"


def _server_url(database: str) -> str:
    """The test suite's PostgreSQL server (service or embedded), another database."""
    params = connection.get_connection_params()
    user = quote(str(params.get("user") or ""))
    password = params.get("password")
    host = str(params.get("host") or "")
    port = params.get("port") or 5432
    credentials = f"{user}:{quote(str(password))}@" if password else f"{user}@"
    if host.startswith("/"):  # a socket folder
        return f"postgresql://{credentials}/{database}?host={quote(host)}&port={port}"
    return f"postgresql://{credentials}{host or '127.0.0.1'}:{port}/{database}"


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@pytest.mark.usefixtures("django_db_setup")  # the test database's name and server
def test_the_throughput_bench_prints_every_page_and_stops_its_server() -> None:
    database = f"{settings.DATABASES['default']['NAME']}_throughput_{secrets.token_hex(3)}"
    admin_url = _server_url("postgres")
    result = subprocess.run(
        [
            sys.executable,
            "bench/throughput.py",
            "--duration",
            "5",
            "--rounds",
            "1",
            "--concurrency",
            "2",
            "--workers",
            "1",
            "--pg",
            admin_url,
            "--database",
            database,
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout
    assert result.returncode == 0, output + result.stderr

    for mode in ("anonymous", "logged in"):
        for page in ["floor", *PAGES]:
            row = re.search(
                rf"^  {re.escape(page)} \({mode}\) +({NUMBER}) +({NUMBER}) +({NUMBER}) +(\d+) .*"
                rf" ({NUMBER}) +(?:>= {NUMBER} +(PASS|FAIL)|-)$",
                output,
                re.M,
            )
            assert row, f"no row for {page} ({mode}):\n{output}"
            rate, _p50, _p95, errors = row.groups()[:4]
            assert float(rate) > 0, row.group(0)
            assert errors == "0", row.group(0)
    assert "load average before" in output

    # Its gunicorn (master and workers: one process group) is gone, and so is its database.
    master = re.search(r"gunicorn pid (\d+)", output)
    assert master, output
    assert not _group_alive(int(master.group(1)))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        left = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
    assert left is None
