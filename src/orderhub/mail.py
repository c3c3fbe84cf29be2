"""Sending e-mail from plugins: the SMTP table every plugin's config uses, and one send in a thread
(the standard library's ``smtplib``: a message now and then is not worth an async client)."""

from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage

from pydantic import BaseModel, ConfigDict

from orderhub.errors import RecordError, TransientError
from orderhub.secrets import resolve_secret


class SmtpSettings(BaseModel):
    """``smtp = { host, port, sender, username, password, starttls, timeout }``; the credentials
    are ``env:``/``file:`` references."""

    model_config = ConfigDict(extra="forbid")
    host: str
    port: int = 25
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0


async def send_mail(smtp: SmtpSettings, message: EmailMessage, *, key: str) -> None:
    """Send ``message`` (its From set to the sender when missing). A refused recipient is a
    RecordError; a server that cannot be reached or fails is a TransientError, to retry. ``key``
    names the config table in errors about its secrets (``plugins.notify.smtp``)."""
    if "From" not in message:
        message["From"] = smtp.sender

    def send() -> None:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as client:
            if smtp.starttls:
                client.starttls()
            if smtp.username and smtp.password:
                client.login(resolve_secret(smtp.username, key=f"{key}.username").get_secret_value(),
                             resolve_secret(smtp.password, key=f"{key}.password").get_secret_value())
            client.send_message(message)

    try:
        await asyncio.to_thread(send)
    except smtplib.SMTPRecipientsRefused as exc:
        raise RecordError(f"SMTP refused {message['To']}: {exc.recipients}", code="recipient_refused") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise TransientError(f"SMTP {smtp.host}:{smtp.port}: {type(exc).__name__}: {exc}") from None
