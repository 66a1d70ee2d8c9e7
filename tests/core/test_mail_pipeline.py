"""One mail pipeline: every email is rendered in the request and queued as a task on commit;
only the task worker talks to the mail server, so a slow or dead one never holds a request.

The mail server here is a real SMTP server on a local port that accepts connections but
says nothing until the test releases it (or never): a request that sent mail itself would
hang on it until the SMTP timeout."""

from __future__ import annotations

import re
import smtplib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.emails import queue_email
from core.tasks import RETRY_DELAYS, _may_retry, send_email
from matchmaking.models import Introduction
from members.models import Invitation, Organisation, User
from tests.members.factories import OrganisationFactory, UserFactory

SMTP_TIMEOUT = 60  # seconds; a request that waited on the server would take this long
FAST = SMTP_TIMEOUT / 4  # 15 s: what "did not wait" means, with room for a loaded machine


class HeldSmtpServer:
    """A minimal SMTP server that accepts connections at once but answers only after
    ``release`` is set. It records every connection and every message it receives."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port: int = self.listener.getsockname()[1]
        self.release = threading.Event()
        self.stopped = threading.Event()
        self.connections = 0
        self.messages: list[tuple[list[str], bytes]] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)
        self.listener.close()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _address = self.listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        with connection:
            while not self.release.wait(0.1):
                if self.stopped.is_set():
                    return
            stream = connection.makefile("rwb")
            recipients: list[str] = []

            def say(line: str) -> None:
                stream.write(line.encode() + b"\r\n")
                stream.flush()

            say("220 held.example ESMTP")
            for raw in stream:
                command = raw.decode().strip()
                verb = command[:4].upper()
                if verb == "RCPT":
                    recipients.append(re.sub(r"^RCPT TO:<(.*)>.*$", r"\1", command, flags=re.I))
                if verb == "DATA":
                    say("354 go on")
                    data = b"".join(iter(stream.readline, b".\r\n"))
                    self.messages.append((recipients, data))
                    recipients = []
                if verb == "QUIT":
                    say("221 bye")
                    return
                say("250 ok")


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[HeldSmtpServer]:
    server = HeldSmtpServer()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": server.port, "timeout": SMTP_TIMEOUT},
        }
    }
    yield server
    server.stop()  # a connection still held is closed unanswered


def _timed(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


@pytest.mark.django_db(transaction=True)  # real commits, as in production
def test_requests_that_send_mail_do_not_wait_on_the_mail_server(
    smtp_server: HeldSmtpServer,
    run_tasks: Callable[[], None],
    organisation: Organisation,
    org_admin: User,
    facilitator: User,
) -> None:
    member = UserFactory(email="vergeten@example.org")
    corporation = OrganisationFactory(name="Woonstichting", kind="housing_corporation")

    # allauth: a password reset, by an anonymous visitor.
    reset, reset_took = _timed(
        lambda: Client().post(reverse("account_reset_password"), {"email": member.email})
    )
    client = Client()
    client.force_login(org_admin)
    # core: an invitation (members.services through core.emails).
    invite, invite_took = _timed(
        lambda: client.post(
            reverse("members:invitation_create", args=[organisation.slug]),
            {"email": "collega@example.org", "role": "member"},
        )
    )
    # matchmaking: a request for an introduction, mailed to the facilitators.
    introduce, introduce_took = _timed(
        lambda: client.post(
            reverse("matchmaking:introduction_request", args=[corporation.slug]),
            {"organisation": organisation.pk, "message": "Zullen we eens praten?"},
        )
    )

    assert [reset.status_code, invite.status_code, introduce.status_code] == [302, 302, 302]
    assert Invitation.objects.filter(email="collega@example.org").exists()
    assert Introduction.objects.filter(requester=org_admin).exists()
    assert max(reset_took, invite_took, introduce_took) < FAST
    assert smtp_server.connections == 0  # nothing tried to send from the request
    queued = DBTaskResult.objects.all()
    assert {task.status for task in queued} == {"READY"}
    assert {task.task_path for task in queued} == {"core.tasks.send_email"}
    recipients = {member.email, "collega@example.org", facilitator.email}
    assert {to for task in queued for to in task.args_kwargs["kwargs"]["to"]} == recipients

    smtp_server.release.set()
    run_tasks()

    assert {task.status for task in DBTaskResult.objects.all()} == {"SUCCESSFUL"}
    assert {to for to_list, _data in smtp_server.messages for to in to_list} == recipients
    assert len(smtp_server.messages) == 3


@pytest.mark.django_db
def test_a_mail_server_that_never_answers_fails_the_task_not_the_worker(
    smtp_server: HeldSmtpServer,
    run_tasks: Callable[[], None],
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MAILERS["default"]["OPTIONS"]["timeout"] = 1

    with django_capture_on_commit_callbacks(execute=True):
        queue_email(to=["iemand@example.org"], subject="Hallo", body="Tekst")
    run_tasks()  # returns: the failure is the task's, recorded

    task = DBTaskResult.objects.get(status="FAILED")
    assert task.exception_class_path == "smtplib.SMTPServerDisconnected"
    assert "timed out" in task.traceback
    assert smtp_server.connections == 1
    assert smtp_server.messages == []
    # The next attempt waits in the queue, a minute later.
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after > timezone.now() + timedelta(seconds=50)

    run_tasks()  # not yet due: the worker leaves it
    assert DBTaskResult.objects.get(pk=retry.pk).status == "READY"

    smtp_server.release.set()  # the server answers again
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    run_tasks()

    assert DBTaskResult.objects.get(pk=retry.pk).status == "SUCCESSFUL"
    assert len(smtp_server.messages) == 1
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db
def test_the_last_attempt_fails_for_good(
    smtp_server: HeldSmtpServer, run_tasks: Callable[[], None], settings: Any
) -> None:
    settings.MAILERS["default"]["OPTIONS"]["timeout"] = 1
    last = len(RETRY_DELAYS) + 1

    send_email.enqueue(to=["iemand@example.org"], subject="Hallo", body="Tekst", attempt=last)
    run_tasks()

    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["FAILED"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("error", "retried"),
    [
        (smtplib.SMTPDataError(451, b"Try again later"), True),
        (smtplib.SMTPServerDisconnected("timed out"), True),
        (ConnectionRefusedError(), True),
        (smtplib.SMTPDataError(554, b"Message refused"), False),
    ],
)
def test_a_temporary_failure_is_tried_again_a_permanent_one_is_not(
    run_tasks: Callable[[], None], error: Exception, retried: bool
) -> None:
    assert _may_retry(error, attempt=1) is retried


@pytest.mark.django_db
def test_an_email_is_queued_only_when_the_transaction_commits(
    run_tasks: Callable[[], None], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue_email(to=["iemand@example.org"], subject="Hallo", body="Tekst")

    assert len(callbacks) == 1  # waiting for the commit; a rollback drops it
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_a_task_queued_under_the_old_matchmaking_path_still_sends(
    run_tasks: Callable[[], None], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        queue_email(to=["iemand@example.org"], subject="Hallo", body="Tekst", html="<p>Tekst</p>")
    DBTaskResult.objects.update(task_path="matchmaking.tasks.send_email")

    run_tasks()

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    (message,) = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    assert message.to == ["iemand@example.org"]
    assert message.alternatives == [("<p>Tekst</p>", "text/html")]


# Calls that hand mail to a mail server or build a message to hand over. Only the task and
# the email backends themselves may make them.
SENDING = re.compile(
    r"\bsend_mail\(|\bsend_mass_mail\(|\bmail_admins\(|\bmail_managers\("
    r"|\bEmailMessage\(|\bEmailMultiAlternatives\(|\bget_connection\(|\bmailers\["
    r"|\bmailers\.default\b|\.send_messages\(|\bsmtplib\b|\.send\(\)"
)
PRODUCT_APPS = ("core", "members", "initiatives", "matchmaking", "stamp", "curation")
ALLOWED = {"core/tasks.py", "platform_site/mail.py"}


def test_only_the_email_task_sends_mail() -> None:
    root = Path(django_settings.BASE_DIR)
    senders = set()
    for app in (*PRODUCT_APPS, "platform_site"):
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            source = re.sub(r"\bdef \w+\(", "def (", path.read_text())  # definitions aside
            if SENDING.search(source):
                senders.add(path.relative_to(root).as_posix())

    # Found, and nowhere else: the scan would see a second sender.
    assert senders == ALLOWED
