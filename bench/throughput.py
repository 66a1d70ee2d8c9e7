"""Throughput side by side with Django's floor: each page's requests per second through the
production server, against the smallest view behind the same middleware.

    .venv/bin/python bench/throughput.py [--duration 150] [--rounds 3] [--concurrency 16]
        [--workers 2] [--threads 4] [--redis [URL]] [--initiatives N]
        [--template DATABASE] [--database NAME] [--keep-database] [--pg URL]

Not part of ``make test`` (``tests/bench/test_throughput_smoke.py`` runs it for a few
seconds). It needs the PostgreSQL server on 127.0.0.1:5432 (user ``postgres``), or the one
``DATABASE_URL`` names, or ``--pg URL``; with ``--redis`` also a Redis server.

What it starts, all on loopback and all stopped at the end (also on Ctrl-C, TERM or an
error):
- a database of its own (``breinaald_throughput_<random>``, or ``--database NAME``; a copy
  of ``--template DATABASE`` when given, e.g. the 100,000-initiative bench database),
  migrated, seeded with the demo (``seed_demo --allow-without-debug``) and, with
  ``--initiatives N``, filled up to N initiatives by the initiatives bench's seeding; it is
  dropped at the end unless ``--keep-database`` (a kept database is reused by the next run);
- gunicorn with the production configuration (``platform_site/gunicorn_conf.py``), debug
  off, hashed static files collected into a work folder, ``--workers`` processes (default
  2) of ``--threads`` threads (default 4, production's default), and ``DJANGO_SETTINGS_MODULE=
  bench.throughput_settings``: the project's settings with one URL more, ``/bench-floor/``
  (``bench/throughput_urls.py``), a view that answers two bytes through the full
  middleware stack. That is the floor. The product never serves that URL.
- The cache is what production's settings make of the environment: without ``--redis``
  each worker process has its own local-memory cache (no ``REDIS_URL``); with ``--redis``
  the shared Redis at ``redis://127.0.0.1:6379/14`` (or the URL given) under a key prefix
  of this run alone, whose keys are deleted at the end.
- One difference from production, said in the output: gunicorn's worker recycling
  (``GUNICORN_MAX_REQUESTS``) is off unless ``--max-requests N``. At the floor's rate the
  production value would restart a worker every second, and the bench would measure the
  restarts.

The load is a bounded script of its own (threads and ``http.client`` from the standard
library; no locust): ``--concurrency`` connections (default 16, kept alive), each sending
its next request as soon as the last one is answered. The pages are home, initiative list,
initiative detail, search (four common words in turn), the organisation page (of the
organisation leading the most initiatives), the stamp wall, and one claim's badge as SVG
and PNG; each anonymous (no cookie at all, as a new visitor) and logged in (the session
of a demo member, got by logging in through the real form with its CSRF token). The
floor is measured both ways too. Every target is fetched once before the run (it must
answer 200; its caching headers are shown), then gets one short unmeasured block with all
connections, so that every worker process has seen it (each fills its own cache when
there is no Redis).

Interleaved: the run is ``--rounds`` rounds (default 3); each round gives every target one
block of the same length, and the floor a block after every four pages, so that the floor
and the pages share the machine's conditions (other programs, the cache's state) as
closely as one machine allows. Within a block all connections ask for the same target;
between blocks every connection finishes its request (not timed), so no request of one
target is in flight during another's block. Requests per second of a block = the
requests answered in it, each counted by the share of its time that fell inside the
block (a request begun before the end and answered after it counts in part), divided by
the block's length; a target's figure is over all its blocks. p50 and p95 are over all of
its requests, as the client saw them (waiting in gunicorn's queue included). "app ms/req"
is the CPU time of the gunicorn workers, and "db ms/req" of the PostgreSQL backends
serving this database, per request (read from /proc; "-" where it cannot be read).
"client" is this script's own CPU use during the target's blocks, in % of one core: the
load generator shares the machine, so a client near 100% means the figure is the
client's limit, not the server's. "CPU x" is the floor's server CPU per request (app and
db) divided by the page's: a cross-check that other programs on the machine move less
than requests per second (it leaves out Redis and time spent waiting); the verdicts are
on requests per second.

Targets (issue #14): every anonymous page >= 0.5 x the anonymous floor; the badge (SVG and
PNG, with or without a session) >= 0.9 x; logged-in pages >= 0.35 x. It prints PASS/FAIL
per row and exits 0 either way: it is a measurement (1 when it could not measure, 130
when interrupted).
Results and how to read them: docs/performance.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http import client as http_client
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
GUNICORN = [PY, "-m", "gunicorn", "-c", "platform_site/gunicorn_conf.py"]
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"
DEMO_USER, DEMO_PASSWORD = "marieke@breinaald.localhost", "breinaald-demo"
SEARCH_WORDS = ["energie", "buurt", "jongeren", "tilburg"]
FLOOR = "floor"
FLOOR_EVERY = 4  # a floor block after every this many page blocks
TARGET_ANONYMOUS, TARGET_BADGE, TARGET_LOGGED_IN = 0.5, 0.9, 0.35
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


# ---------------------------------------------------------------------------
# The server: database, gunicorn, cache
# ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_url(database_url: str, database: str) -> str:
    """The same server and credentials, another database."""
    return urlunsplit(urlsplit(database_url)._replace(path=f"/{database}"))


def default_pg() -> str:
    if os.environ.get("DATABASE_URL"):
        return server_url(os.environ["DATABASE_URL"], "postgres")
    return "postgresql://postgres@127.0.0.1:5432/postgres"


class Server:
    """The database, the work folder and gunicorn of one run; ``stop`` removes them."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.work = Path(tempfile.mkdtemp(prefix="breinaald-throughput-"))
        self.database = args.database or f"breinaald_throughput_{secrets.token_hex(4)}"
        self.database_url = server_url(args.pg, self.database)
        self.created_database = False
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.cache_prefix = f"breinaald-throughput-{secrets.token_hex(4)}"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("GUNICORN_", "DJANGO_", "REDIS_"))
        }
        self.env.update(
            {
                "DATABASE_URL": self.database_url,
                "DJANGO_SETTINGS_MODULE": "platform_site.settings",
                "DJANGO_DEBUG": "false",
                "DJANGO_HTTPS": "false",
                "ADMIN_REQUIRE_MFA": "false",
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
                "DJANGO_LOG_LEVEL": "WARNING",
                "SITE_URL": f"http://127.0.0.1:{self.port}",
                "STATIC_ROOT": str(self.work / "static"),
                "MAIL_FILE_DIR": str(self.work / "mail"),
                "CACHE_KEY_PREFIX": self.cache_prefix,
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        if args.redis:
            self.env["REDIS_URL"] = args.redis

    # -- set-up --------------------------------------------------------------

    def prepare(self) -> None:
        with psycopg.connect(self.args.pg, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self.database]
            ).fetchone()
            if exists and not self.args.database:
                raise RuntimeError(f"{self.database} exists already")
            if not exists:
                template = f' TEMPLATE "{self.args.template}"' if self.args.template else ""
                self._create(conn, f'CREATE DATABASE "{self.database}"{template}')
                self.created_database = True
        what = f"a copy of {self.args.template}" if self.args.template else "a new database"
        print(
            f"Database {self.database} ({what if self.created_database else 'kept'}): "
            "migrating, collecting static files, seeding the demo ...",
            flush=True,
        )
        # collectstatic needs no database: beside the migrations.
        with ThreadPoolExecutor(2) as pool:
            jobs = [
                pool.submit(self.manage, "migrate", "--noinput", "-v", "0"),
                pool.submit(self.manage, "collectstatic", "--noinput", "-v", "0"),
            ]
            for job in jobs:
                job.result()
        self.manage("seed_demo", "--allow-without-debug")
        if self.args.initiatives:
            print(f"Filling up to {self.args.initiatives} initiatives ...", flush=True)
            self.run(
                [
                    PY,
                    "-c",
                    "import sys; from bench import initiatives_bench as b; "
                    "b.seed(int(sys.argv[1])); b.seed_vocabulary(b.VOCABULARY)",
                    str(self.args.initiatives),
                ]
            )

    def _create(self, conn: psycopg.Connection, sql: str) -> None:
        # A template must have no other connection; one may linger for a moment.
        for attempt in range(10):
            try:
                conn.execute(sql)
                return
            except psycopg.errors.ObjectInUse:
                if attempt == 9:
                    raise
                time.sleep(1)

    def manage(self, *args: str) -> None:
        self.run([PY, "manage.py", *args])

    def run(self, command: list[str]) -> None:
        result = subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command[1:3])} failed:\n{result.stdout[-2000:]}{result.stderr[-3000:]}"
            )

    def start(self) -> None:
        env = {
            **self.env,
            "DJANGO_SETTINGS_MODULE": "bench.throughput_settings",
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKERS": str(self.args.workers),
            "GUNICORN_THREADS": str(self.args.threads),
            "GUNICORN_MAX_REQUESTS": str(self.args.max_requests),
        }
        log = (self.work / "gunicorn.log").open("ab")
        self.process = subprocess.Popen(
            GUNICORN,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # a process group of its own: stopped as one
        )
        print(f"gunicorn pid {self.process.pid}", flush=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{self.log_tail()}")
            with contextlib.suppress(OSError, http_client.HTTPException):
                conn = http_client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/bench-floor/")
                # Up when it answers and all its workers are there (seen in /proc).
                if conn.getresponse().status == 200 and (
                    len(self.worker_pids()) >= self.args.workers or not Path("/proc").is_dir()
                ):
                    conn.close()
                    return
                conn.close()
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within 90 s:\n{self.log_tail()}")

    def log_tail(self) -> str:
        path = self.work / "gunicorn.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def worker_pids(self) -> list[int]:
        return children(self.process.pid) if self.process else []

    # -- tear-down -----------------------------------------------------------

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # TERM to the master: it drains and stops its workers (as in production).
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if self.process is not None:
            # Nothing of the group may outlive the run (a worker left behind by a crash).
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        if self.args.redis:
            with contextlib.suppress(Exception):
                import redis

                store = redis.Redis.from_url(self.args.redis, socket_timeout=5)
                keys = list(store.scan_iter(match=f"{self.cache_prefix}:*", count=1000))
                for start in range(0, len(keys), 500):
                    store.delete(*keys[start : start + 500])
        if self.created_database and not self.args.keep_database:
            with (
                contextlib.suppress(Exception),
                psycopg.connect(self.args.pg, autocommit=True) as conn,
            ):
                conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        shutil.rmtree(self.work, ignore_errors=True)


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc; empty elsewhere)."""
    found = []
    with contextlib.suppress(OSError):
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                stat = read_stat(int(entry))
                if stat is not None and stat[0] == pid:
                    found.append(int(entry))
    return found


def read_stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds used) of a process, from /proc/<pid>/stat."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def cpu_of(pids: list[int]) -> dict[int, float]:
    result = {}
    for pid in pids:
        stat = read_stat(pid)
        if stat is not None:
            result[pid] = stat[1]
    return result


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two readings; a process that appeared in between counts whole."""
    return sum(value - before.get(pid, 0.0) for pid, value in after.items())


# ---------------------------------------------------------------------------
# What is measured
# ---------------------------------------------------------------------------


@dataclass
class Target:
    key: str  # e.g. "home" or "floor"
    label: str
    paths: list[str]  # taken in turn
    logged_in: bool
    # Every request of its blocks: (start, end) on the perf_counter clock.
    samples: list[tuple[float, float]] = field(default_factory=list)
    credit: float = 0.0  # requests answered 200 within the blocks (in part at the edges)
    seconds: float = 0.0  # length of its blocks together
    block_rates: list[float] = field(default_factory=list)  # req/s of each block
    errors: int = 0
    app_cpu: float | None = 0.0
    db_cpu: float | None = 0.0
    client_cpu: float = 0.0
    headers: str = ""

    @property
    def name(self) -> str:
        return f"{self.label} ({'logged in' if self.logged_in else 'anonymous'})"

    @property
    def rate(self) -> float:
        return self.credit / self.seconds if self.seconds else 0.0

    def goal(self) -> float | None:
        if self.key == FLOOR:
            return None
        if self.key.startswith("badge"):
            return TARGET_BADGE
        return TARGET_LOGGED_IN if self.logged_in else TARGET_ANONYMOUS


def pages(initiative: str, organisation: str, claim: str) -> list[tuple[str, str, list[str]]]:
    return [
        ("home", "home", ["/"]),
        ("initiative_list", "initiative list", ["/initiatieven/"]),
        ("initiative_detail", "initiative detail", [f"/initiatieven/{initiative}/"]),
        ("search", "search", [f"/zoeken/?{urlencode({'q': w})}" for w in SEARCH_WORDS]),
        ("organisation", "organisation page", [f"/organisaties/{organisation}/"]),
        ("stamp_wall", "stamp wall", ["/stempel/dragers/"]),
        ("badge_svg", "badge SVG", [f"/stempel/v/{claim}/stempel.svg"]),
        ("badge_png", "badge PNG", [f"/stempel/v/{claim}/stempel.png"]),
    ]


def pick_objects(database_url: str) -> tuple[str, str, str]:
    """A published initiative of the demo, the organisation leading the most initiatives,
    and an active claim's code."""
    with psycopg.connect(database_url) as conn:
        initiative = conn.execute(
            "SELECT slug FROM initiatives_initiative WHERE publication_status = 'published' "
            "ORDER BY slug LIKE %s, published_at DESC LIMIT 1",
            ["bench-%"],  # the demo's own before the initiatives bench's
        ).fetchone()
        organisation = conn.execute(
            "SELECT o.slug FROM members_organisation o JOIN initiatives_initiative i "
            "ON i.lead_id = o.id AND i.publication_status = 'published' "
            "GROUP BY o.slug ORDER BY count(*) DESC, o.slug LIMIT 1"
        ).fetchone()
        claim = conn.execute(
            "SELECT code FROM stamp_claim WHERE status = 'active' ORDER BY id LIMIT 1"
        ).fetchone()
    if not (initiative and organisation and claim):
        raise RuntimeError("The seeded database lacks an initiative, organisation or claim.")
    return initiative[0], organisation[0], claim[0]


def schedule(targets: list[Target], rounds: int) -> list[Target]:
    """Blocks in order: per round, the pages with a floor block after every few of them."""
    floors = [t for t in targets if t.key == FLOOR]
    others = [t for t in targets if t.key != FLOOR]
    order: list[Target] = []
    for number in range(rounds):
        # Alternate the direction so that no page always follows the same neighbour.
        round_pages = others if number % 2 == 0 else others[::-1]
        for index, target in enumerate(round_pages):
            if index % FLOOR_EVERY == 0:
                order.append(floors[(index // FLOOR_EVERY) % len(floors)])
            order.append(target)
    return order


# ---------------------------------------------------------------------------
# The load: keep-alive connections, all on one target at a time
# ---------------------------------------------------------------------------


class Connection:
    """One keep-alive connection to the server, opened again when the server closed it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http_client.HTTPConnection | None = None

    def get(self, path: str, headers: dict[str, str]) -> tuple[int, http_client.HTTPResponse]:
        for attempt in (1, 2):
            fresh = self.conn is None
            if self.conn is None:
                self.conn = http_client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request("GET", path, headers=headers)
                response = self.conn.getresponse()
                response.read()
                if response.will_close:
                    self.close()
                return response.status, response
            except (OSError, http_client.HTTPException):
                self.close()
                # A kept-alive connection the server closed meanwhile: once more, anew.
                if fresh or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def request_headers(port: int, cookies: dict[str, str] | None) -> dict[str, str]:
    headers = {
        "Host": f"127.0.0.1:{port}",
        "User-Agent": "breinaald-throughput",
        "Accept": "text/html,image/*,*/*",
        "Accept-Language": "nl",
        "Accept-Encoding": "identity",
    }
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    return headers


def log_in(port: int) -> dict[str, str]:
    """Log the demo member in through the real form; return the session's cookies."""
    cookies: dict[str, str] = {}

    def take(response: http_client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    cookies.pop(name, None)  # deleted, as a browser would
                else:
                    cookies[name] = morsel.value

    conn = http_client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/accounts/login/", headers=request_headers(port, None))
        form = conn.getresponse()
        body = form.read().decode()
        take(form)
        token = CSRF_INPUT.search(body)
        if form.status != 200 or token is None:
            raise RuntimeError(f"The login form answered {form.status} without a CSRF token.")
        data = urlencode(
            {"csrfmiddlewaretoken": token.group(1), "login": DEMO_USER, "password": DEMO_PASSWORD}
        )
        headers = {
            **request_headers(port, cookies),
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": f"http://127.0.0.1:{port}/accounts/login/",
        }
        conn.request("POST", "/accounts/login/", body=data, headers=headers)
        answer = conn.getresponse()
        answer.read()
        take(answer)
        if answer.status != 302 or "sessionid" not in cookies:
            raise RuntimeError(f"Logging in as {DEMO_USER} answered {answer.status}.")
        conn.request("GET", "/mijn/", headers=request_headers(port, cookies))
        dashboard = conn.getresponse()
        dashboard.read()
        take(dashboard)  # it shows the login's message, and so deletes the messages cookie
        if dashboard.status != 200:
            raise RuntimeError(f"The dashboard answered {dashboard.status} after logging in.")
    finally:
        conn.close()
    return cookies


def caching_headers(response: http_client.HTTPResponse) -> str:
    """What a cache would see: Cache-Control, Vary, ETag and cookies set."""
    parts = []
    for name in ("Cache-Control", "Vary"):
        value = response.getheader(name)
        if value:
            parts.append(f"{name}: {value}")
    if response.getheader("ETag"):
        parts.append("ETag")
    cookies = [h.split("=", 1)[0] for h in response.headers.get_all("Set-Cookie") or []]
    if cookies:
        parts.append("Set-Cookie: " + ",".join(cookies))
    return "; ".join(parts) or "-"


@dataclass
class Block:
    target: Target
    start: float
    end: float


class Load:
    """``concurrency`` threads; the coordinator gives them one block at a time."""

    def __init__(self, port: int, concurrency: int, cookies: dict[str, str]) -> None:
        self.port = port
        self.headers = {
            False: request_headers(port, None),
            True: request_headers(port, cookies),
        }
        self.barrier = threading.Barrier(concurrency + 1)
        self.block: Block | None = None
        self.results: list[list[tuple[float, float, bool]]] = [[] for _ in range(concurrency)]
        self.threads = [
            threading.Thread(target=self.work, args=(index,), daemon=True)
            for index in range(concurrency)
        ]
        for thread in self.threads:
            thread.start()

    def work(self, index: int) -> None:
        connection = Connection(self.port)
        turn = index
        try:
            while True:
                self.barrier.wait()
                block = self.block
                if block is None:
                    return
                target, records = block.target, []
                headers = self.headers[target.logged_in]
                while True:
                    started = time.perf_counter()
                    if started >= block.end:
                        break
                    path = target.paths[turn % len(target.paths)]
                    turn += 1
                    try:
                        status, _ = connection.get(path, headers)
                        ok = status == 200
                    except (OSError, http_client.HTTPException):
                        ok = False
                    records.append((started, time.perf_counter(), ok))
                self.results[index] = records
                self.barrier.wait()
        except threading.BrokenBarrierError:
            return
        finally:
            connection.close()

    def run_block(
        self, target: Target, seconds: float, server: Server, db_pids: list[int], *, counted: bool
    ) -> None:
        workers = server.worker_pids()
        app_before, db_before = cpu_of(workers), cpu_of(db_pids)
        client_before = sum(os.times()[:2])
        start = time.perf_counter()
        self.block = Block(target, start, start + seconds)
        self.barrier.wait()  # go
        self.barrier.wait()  # every connection has had its last answer
        client_after = sum(os.times()[:2])
        workers_after = server.worker_pids()
        app_after, db_after = cpu_of(workers_after), cpu_of(db_pids)
        if not counted:
            return
        end = self.block.end
        credit_before = target.credit
        for records in self.results:
            for began, ended, ok in records:
                target.samples.append((began, ended))
                if not ok:
                    target.errors += 1
                    continue
                inside = max(0.0, min(ended, end) - max(began, start))
                target.credit += inside / (ended - began) if ended > began else 1.0
        target.seconds += seconds
        target.block_rates.append((target.credit - credit_before) / seconds)
        target.client_cpu += client_after - client_before
        if target.app_cpu is not None:
            target.app_cpu = (
                target.app_cpu + cpu_used(app_before, app_after) if workers_after else None
            )
        if target.db_cpu is not None:
            target.db_cpu = target.db_cpu + cpu_used(db_before, db_after) if db_after else None

    def close(self) -> None:
        """After the last block: every connection closes and its thread ends."""
        self.block = None
        with contextlib.suppress(threading.BrokenBarrierError):
            self.barrier.wait(timeout=120)
        for thread in self.threads:
            thread.join(timeout=5)

    def abort(self) -> None:
        """Interrupted: the threads leave at once (a request in flight ends with the server)."""
        self.barrier.abort()


def backend_pids(database_url: str, database: str) -> list[int]:
    """The PostgreSQL backends serving the database, when they run on this machine."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        ).fetchall()
    return [pid for (pid,) in rows if Path(f"/proc/{pid}/stat").exists()]


# ---------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def cpu_per_request(target: Target) -> float | None:
    """Server CPU seconds per request: the gunicorn workers' and the database's."""
    if target.app_cpu is None or not target.samples:
        return None
    return (target.app_cpu + (target.db_cpu or 0.0)) / len(target.samples)


def per_request(cpu: float | None, target: Target) -> str:
    count = len(target.samples)
    if cpu is None or not count:
        return "-"
    return f"{cpu / count * 1000:.2f}"


def report(
    targets: list[Target], args: argparse.Namespace, load_before: tuple[float, ...]
) -> list[str]:
    floor = next(t for t in targets if t.key == FLOOR and not t.logged_in)
    load_after = os.getloadavg()
    lines = [
        f"Throughput side by side, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"{os.cpu_count()} CPUs",
        f"  load average before {' '.join(f'{x:.2f}' for x in load_before)}, after "
        f"{' '.join(f'{x:.2f}' for x in load_after)} (1, 5, 15 min)",
        f"  gunicorn {args.workers} workers x {args.threads} threads "
        f"(platform_site/gunicorn_conf.py), worker recycling {args.max_requests or 'off'}; cache: "
        f"{'Redis ' + args.redis if args.redis else 'local memory per process (no REDIS_URL)'}",
        f"  {args.concurrency} connections, {args.rounds} rounds, blocks of "
        f"{args.block_seconds:.1f} s; ratios to the anonymous floor "
        f"({floor.rate:.0f} req/s)",
        "",
        f"  {'page':<32} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6} "
        f"{'app ms/req':>10} {'db ms/req':>9} {'client':>6} {'CPU x':>6} {'x floor':>7} "
        f"{'target':>7}  result",
    ]
    for target in targets:
        latencies = [(b - a) * 1000 for a, b in target.samples]
        ratio = target.rate / floor.rate if floor.rate else 0.0
        goal = target.goal()
        verdict = "-" if goal is None else ("PASS" if ratio >= goal else "FAIL")
        client = target.client_cpu / target.seconds * 100 if target.seconds else 0.0
        floor_cpu, page_cpu = cpu_per_request(floor), cpu_per_request(target)
        cpu_ratio = f"{floor_cpu / page_cpu:6.2f}" if floor_cpu and page_cpu else f"{'-':>6}"
        lines.append(
            f"  {target.name:<32} {target.rate:8.1f} {percentile(latencies, 0.5):7.1f} "
            f"{percentile(latencies, 0.95):7.1f} {target.errors:6d} "
            f"{per_request(target.app_cpu, target):>10} {per_request(target.db_cpu, target):>9} "
            f"{client:5.0f}% {cpu_ratio} {ratio:7.2f} {'' if goal is None else f'>= {goal}':>7}"
            f"  {verdict}"
        )
    rows = [t for t in targets if t.goal() is not None]
    passed = sum(1 for t in rows if floor.rate and t.rate / floor.rate >= (t.goal() or 0))
    spread = sorted(floor.block_rates)
    lines += [
        "",
        f"  The anonymous floor per block: {', '.join(f'{r:.0f}' for r in floor.block_rates)} "
        f"req/s (lowest {spread[0]:.0f}, highest {spread[-1]:.0f}): how much the machine "
        "moved during the run.",
        f"  {passed} of {len(rows)} rows meet their target "
        f"(anonymous >= {TARGET_ANONYMOUS} x, badge >= {TARGET_BADGE} x, "
        f"logged in >= {TARGET_LOGGED_IN} x the anonymous floor).",
        "",
        "  Caching headers of the first answer (anonymous, then logged in):",
    ]
    for target in targets:
        lines.append(f"    {target.name:<32} {target.headers}")
    return lines


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--duration", type=float, default=150, help="measured seconds in all (default 150)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of blocks (default 3)")
    parser.add_argument(
        "--concurrency", type=int, default=16, help="connections at once (default 16)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--threads", type=int, default=4, help="threads per worker (default 4, as production)"
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=0,
        help="gunicorn's GUNICORN_MAX_REQUESTS (default 0: no recycling during the run)",
    )
    parser.add_argument(
        "--redis",
        nargs="?",
        const=DEFAULT_REDIS,
        default=None,
        metavar="URL",
        help=f"the shared Redis cache, as production (default URL {DEFAULT_REDIS})",
    )
    parser.add_argument(
        "--initiatives",
        type=int,
        default=0,
        help="fill up to this many initiatives with the initiatives bench's seeding",
    )
    parser.add_argument("--template", help="start from a copy of this database")
    parser.add_argument("--database", help="the database's name (kept ones are reused)")
    parser.add_argument("--keep-database", action="store_true", help="do not drop it")
    parser.add_argument("--pg", default=default_pg(), help="the PostgreSQL server (admin URL)")
    args = parser.parse_args(argv)
    if not (1 <= args.workers <= 32 and 1 <= args.threads <= 64 and 1 <= args.concurrency <= 256):
        parser.error("--workers 1-32, --threads 1-64, --concurrency 1-256")
    if args.rounds < 1:
        parser.error("--rounds 1 or more")
    if not 1 <= args.duration <= 3600:
        parser.error("--duration 1-3600 seconds")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    # TERM (or a closed terminal) stops like Ctrl-C: through the finally below. INT too when
    # the shell started it with INT ignored (a background job).
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _interrupt)
    server = Server(args)
    try:
        server.prepare()
        print(f"Starting gunicorn ({args.workers} workers) on port {server.port} ...", flush=True)
        server.start()
        for line in measure(server, args):
            print(line)
    except KeyboardInterrupt:
        print("Interrupted: stopping the server.", file=sys.stderr)
        return 130
    except RuntimeError as error:
        print(f"Could not measure: {error}", file=sys.stderr)
        return 1
    finally:
        server.stop()
    return 0


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def measure(server: Server, args: argparse.Namespace) -> list[str]:
    initiative, organisation, claim = pick_objects(server.database_url)
    cookies = log_in(server.port)
    targets = [Target(FLOOR, "floor", ["/bench-floor/"], False)]
    targets += [
        Target(k, label, paths, False) for k, label, paths in pages(initiative, organisation, claim)
    ]
    targets += [Target(FLOOR, "floor", ["/bench-floor/"], True)]
    targets += [
        Target(k, label, paths, True) for k, label, paths in pages(initiative, organisation, claim)
    ]
    warm_up(server.port, targets, cookies)
    order = schedule(targets, args.rounds)
    args.block_seconds = max(0.2, args.duration / len(order))
    print(
        f"Pages: initiative {initiative}, organisation {organisation}, claim {claim[:8]}...; "
        f"{len(order)} blocks of {args.block_seconds:.1f} s, {args.concurrency} connections",
        flush=True,
    )
    load = Load(server.port, args.concurrency, cookies)
    try:
        # Unmeasured: every connection and worker thread busy once on each target (with a
        # cache per process, every process fills its own).
        warm = min(1.0, args.block_seconds / 2)
        for target in targets:
            load.run_block(target, warm, server, [], counted=False)
        load_before = os.getloadavg()
        for number, target in enumerate(order, 1):
            db_pids = backend_pids(server.database_url, server.database)
            load.run_block(target, args.block_seconds, server, db_pids, counted=True)
            if number % 10 == 0 or number == len(order):
                print(f"  {number}/{len(order)} blocks", flush=True)
    except BaseException:
        load.abort()
        raise
    load.close()
    return ["", *report(targets, args, load_before)]


def warm_up(port: int, targets: list[Target], cookies: dict[str, str]) -> None:
    """Every target once per path: it must answer 200. Its caching headers are kept."""
    connection = Connection(port)
    try:
        for target in targets:
            headers = request_headers(port, cookies if target.logged_in else None)
            for path in target.paths:
                status, response = connection.get(path, headers)
                if status != 200:
                    raise RuntimeError(f"{path} ({target.name}) answered {status}")
                target.headers = target.headers or caching_headers(response)
    finally:
        connection.close()


if __name__ == "__main__":
    sys.exit(main())
