"""A real SMTP server on loopback for the partner e-mail tests (aiosmtpd),
and the app configured to send through it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

REFUSED = "weigert@vb.be"


class Inbox:
    """An aiosmtpd handler that keeps every message, and refuses one
    address as a real server refuses an unknown mailbox."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in str(m["To"])]


@contextmanager
def running(app: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """A server on a free loopback port, and ``app`` sending through it
    (settings restored by ``monkeypatch``)."""
    handler = Inbox()
    # A free port: the controller checks it is up by connecting to it.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    for name, value in {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_SECURITY": "none",
        "SMTP_FROM": "Politiezone Voorbeeld <plan@politie.vb.be>",
        "SMTP_TIMEOUT": 5,
    }.items():
        monkeypatch.setitem(app.config, name, value)
    try:
        yield handler
    finally:
        controller.stop()
