"""A real local SMTP server for tests (aiosmtpd on 127.0.0.1), collecting what it receives."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session


@dataclass
class ReceivedMail:
    """One accepted message, parsed with the modern e-mail policy (decoded headers and body)."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    raw: bytes
    authenticated_as: str | None


def _free_port() -> int:
    # aiosmtpd's controller probes the port it is given, so it needs a concrete one.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Handler:
    def __init__(self, server: LocalSmtpServer) -> None:
        self.server = server

    async def handle_RCPT(
        self, srv: SMTPServer, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.server.rcpt_reply is not None:
            return self.server.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, srv: SMTPServer, session: Session, envelope: Envelope) -> str:
        raw = cast(bytes, envelope.original_content or envelope.content)
        parsed = cast(EmailMessage, message_from_bytes(raw, policy=policy.default))
        user = session.auth_data.decode() if isinstance(session.auth_data, bytes) else None
        mail = ReceivedMail(str(envelope.mail_from), list(envelope.rcpt_tos), parsed, raw, user)
        with self.server.lock:
            self.server.messages.append(mail)
        return "250 Message accepted for delivery"


class LocalSmtpServer:
    """aiosmtpd on a free loopback port; optionally requires AUTH (over plain TCP, tests only)."""

    def __init__(self, *, require_auth: bool = False, username: str = "notify", password: str = "s3cret") -> None:
        self.require_auth = require_auth
        self.username = username
        self.password = password
        self.host = "127.0.0.1"
        self.port = _free_port()
        self.messages: list[ReceivedMail] = []
        self.lock = threading.Lock()
        self.rcpt_reply: str | None = None
        self._controller: Controller | None = None

    def _authenticate(
        self, srv: SMTPServer, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        # handled=False lets aiosmtpd send the 235 / 535 reply itself.
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        ok = auth_data.login == self.username.encode() and auth_data.password == self.password.encode()
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)

    def start(self) -> LocalSmtpServer:
        """Start listening; returns self."""
        self._controller = Controller(
            _Handler(self),
            hostname=self.host,
            port=self.port,
            authenticator=self._authenticate,
            auth_required=self.require_auth,
            auth_require_tls=False,
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop the server thread."""
        if self._controller is not None:
            self._controller.stop()

    def __enter__(self) -> LocalSmtpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def received(self) -> list[ReceivedMail]:
        """Messages accepted so far."""
        with self.lock:
            return list(self.messages)
