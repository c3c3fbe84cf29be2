"""A loopback SMTP sink for the sandbox: accepts every message and keeps it, so the demo and the
tests can count the emails customers would have received. Speaks just enough SMTP
(EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) for :mod:`smtplib`."""

from __future__ import annotations

import socketserver
import threading
from email import message_from_bytes, policy
from typing import Any


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 sandbox ESMTP")
        sender, rcpts = None, []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode(errors="replace").strip()
            verb = cmd[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sandbox")
            elif verb == "MAIL":
                sender, rcpts = cmd.split(":", 1)[1].strip(), []
                self.reply("250 OK")
            elif verb == "RCPT":
                rcpts.append(cmd.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = bytearray()
                while True:
                    chunk = self.rfile.readline()
                    if not chunk or chunk in (b".\r\n", b".\n"):
                        break
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                msg = message_from_bytes(bytes(data), policy=policy.default)
                plain = msg.get_body(preferencelist=("plain",))  # a multipart message: its text part
                html = msg.get_body(preferencelist=("html",))
                with self.server.lock:
                    self.server.messages.append({"from": sender, "to": rcpts, "subject": str(msg["Subject"]),
                                                 "message_id": str(msg["Message-ID"]),
                                                 "key": str(msg["X-Orderhub-Key"]),
                                                 "body": plain.get_content() if plain is not None else "",
                                                 "html": html.get_content() if html is not None else None})
                self.reply("250 OK: queued")
            elif verb == "RSET":
                sender, rcpts = None, []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    messages: list[dict[str, Any]]
    lock: threading.Lock


class SmtpSink:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = _Server((host, port), _Handler)
        self.server.messages, self.server.lock = [], threading.Lock()
        self.thread = threading.Thread(target=self.server.serve_forever, name="sandbox-smtp", daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def messages(self) -> list[dict[str, Any]]:
        with self.server.lock:
            return list(self.server.messages)

    def start(self) -> int:
        self.thread.start()
        return self.port

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
