"""OfflineEmailRecognizer: Presidio's emails, without a download."""
import socket

from redaction_rules.recognizers import OfflineEmailRecognizer
from tests.recognizer_helpers import found


def test_offline_email_never_touches_the_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access at run time")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert found(OfflineEmailRecognizer(), "write to jdoe84@gmail.com today") == [("EMAIL_ADDRESS", "jdoe84@gmail.com")]
