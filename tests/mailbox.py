"""A real SMTP server for tests: aiosmtpd's Controller on a free port of 127.0.0.1,
keeping every message it accepts."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def body(self) -> str:
        return self.message.get_content()

    @property
    def everything(self) -> str:
        """Headers, raw source and decoded body: where a leak would show."""
        return "\n".join([self.raw.decode("utf-8", "replace"), self.subject, self.body])


class Inbox:
    """An aiosmtpd handler that keeps every message it receives; ``refuse`` holds
    addresses it refuses for good (550)."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refuse: set[str] = set()
        self.arrived = threading.Event()
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd's hook name
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self._lock:
            self.received.append(Received(list(envelope.rcpt_tos), envelope.original_content))
        self.arrived.set()
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[tuple[list[str], bytes]]:
        return [(r.recipients, r.raw) for r in self.received]

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.recipients]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_inbox() -> Iterator[tuple[Inbox, int]]:
    """An SMTP server on a free port: ``(inbox, port)``."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
