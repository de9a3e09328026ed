"""A threaded local HTTP server that records requests and answers from a handler, with scripted failures."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["ProviderServer", "Recorded"]

Recorded = dict[str, Any]


def _fields(content_type: str, body: bytes) -> dict[str, Any]:
    if "json" in content_type:
        return json.loads(body or b"{}")
    if "multipart/form-data" in content_type:
        from email.parser import BytesParser
        from email.policy import HTTP

        message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        return {
            part.get_param("name", header="content-disposition"): part.get_content()
            for part in message.iter_parts()
        }
    return dict(parse_qsl(body.decode(), keep_blank_values=True))


class ProviderServer:
    """``with Fake() as server``: ``server.base_url``, ``server.requests``, ``server.fail_next(500, times=2)``."""

    def __init__(self, handle: Callable[[str, str, dict[str, Any]], tuple[int, dict[str, Any]]]) -> None:
        self.requests: list[Recorded] = []
        self._failures: list[int] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                fields = _fields(self.headers.get("Content-Type", ""), self.rfile.read(length))
                with owner._lock:
                    failure = owner._failures.pop(0) if owner._failures else None
                    owner.requests.append(
                        {"method": self.command, "path": self.path, "fields": fields, "failed": bool(failure)}
                    )
                status, payload = (
                    (failure, {"message": "scripted failure", "code": 20500, "status": failure})
                    if failure
                    else handle(self.command, self.path, fields)
                )
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up, e.g. a cancelled poll
                    self.close_connection = True

            do_GET = do_POST = _answer

            def log_message(self, *_args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def fail_next(self, status: int, *, times: int = 1) -> None:
        """Answer the next ``times`` requests with this HTTP status."""
        with self._lock:
            self._failures.extend([status] * times)

    def __enter__(self) -> ProviderServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
