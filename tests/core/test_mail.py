from pathlib import Path

from django.core.mail import EmailMessage

from platform_site.mail import EmlFileBackend


def test_the_file_mailer_writes_each_message_as_its_own_eml_file(tmp_path: Path) -> None:
    backend = EmlFileBackend(file_path=str(tmp_path), alias="files")
    messages = [
        EmailMessage("Bevestig je e-mailadres", "Klik: http://x/1", to=["a@example.org"]),
        EmailMessage("Uitnodiging", "Welkom", to=["b@example.org"]),
    ]

    sent = backend.send_messages(messages)

    files = sorted(tmp_path.glob("*.eml"))
    assert sent == 2
    assert len(files) == 2
    contents = "".join(f.read_text() for f in files)
    assert "Subject: Bevestig je e-mailadres" in contents
    assert "http://x/1" in contents
