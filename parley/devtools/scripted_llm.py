"""A local HTTP server speaking the OpenAI chat-completions wire format, with scripted answers.

A development aid for tests and benchmarks: it lets the real ``langchain-openai`` client talk to a "model"
whose answers, failures and latency are known in advance. Nothing in the product imports it.

Each request takes the next step of the script: ``{"content": "..."}``, ``{"tool_calls": [(name, args)]}``
(args a dict, or a string sent as is, so malformed JSON can be scripted), ``{"status": 429}`` or any error
status, and an optional ``"delay"`` in seconds before answering. When the script is used up, ``respond`` (a
function of the request body returning a step) decides, so a benchmark can answer whatever conversation it
drives. ``delay`` sets the latency of every step that names none. Requests are recorded for assertions, and
``timings`` holds when the server started and finished each one (``time.perf_counter`` seconds).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FakeOpenAIServer", "Responder"]

Responder = Callable[[dict[str, Any]], dict[str, Any]]
"""Decides one step from the request body (the messages and tools the client sent)."""


def _completion(step: dict[str, Any], model: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": step.get("content")}
    finish = "stop"
    if step.get("tool_calls"):
        message["tool_calls"] = [
            {
                "id": f"call_{uuid.uuid4().hex[:12]}",
                "type": "function",
                "function": {"name": name, "arguments": args if isinstance(args, str) else json.dumps(args)},
            }
            for name, args in step["tool_calls"]
        ]
        finish = "tool_calls"
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": step.get("usage", {"prompt_tokens": 42, "completion_tokens": 7, "total_tokens": 49}),
    }


class FakeOpenAIServer:
    """``with FakeOpenAIServer(script) as server: ... server.base_url ... server.requests``.

    Args:
        script: Steps answered in order, one per request.
        respond: Decides the steps after the script (default: a fixed "(script exhausted)" text).
        delay: Seconds every step waits before answering unless it names its own ``delay``.

    """

    def __init__(
        self,
        script: list[dict[str, Any]] | None = None,
        *,
        respond: Responder | None = None,
        delay: float = 0.0,
    ) -> None:
        self.script = list(script or [])
        self.respond = respond
        self.delay = delay
        self.requests: list[dict[str, Any]] = []
        self.timings: list[tuple[float, float]] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real endpoints do; every answer has a length
            disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart

            def log_message(self, *_args: Any) -> None:
                return None

            def do_POST(self) -> None:
                started = time.perf_counter()
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                with owner._lock:
                    owner.requests.append(body)
                    step = owner.script.pop(0) if owner.script else None
                if step is None:
                    step = owner.respond(body) if owner.respond else {"content": "(script exhausted)"}
                time.sleep(step.get("delay", owner.delay))
                status = step.get("status", 200)
                payload = (
                    _completion(step, body.get("model", "fake"))
                    if status == 200
                    else {"error": {"message": f"scripted {status}", "type": "scripted", "code": str(status)}}
                )
                raw = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    if status == 429:
                        self.send_header("Retry-After", "0")
                    self.end_headers()
                    self.wfile.write(raw)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass
                with owner._lock:
                    owner.timings.append((started, time.perf_counter()))

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """The URL to give ``PARLEY_LLM_BASE_URL``."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
