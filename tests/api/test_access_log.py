"""The access log keeps no web chat token."""

from __future__ import annotations

import logging

from parley.api.access_log import RedactTokens, redact_access_log


def _record(path: str) -> logging.LogRecord:
    return logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("1.2.3.4:5", "GET", path, "1.1", 200),
        None,
    )


def test_the_token_in_a_query_string_is_redacted_and_the_rest_kept() -> None:
    record = _record("/api/v1/webchat/events?token=abc.def.ghi&after=42")
    assert RedactTokens().filter(record)
    assert (
        record.getMessage()
        == '1.2.3.4:5 - "GET /api/v1/webchat/events?token=[redacted]&after=42 HTTP/1.1" 200'
    )
    plain = _record("/api/v1/products?page=2")
    RedactTokens().filter(plain)
    assert "/api/v1/products?page=2" in plain.getMessage()


def test_the_filter_is_installed_once_on_uvicorns_access_logger() -> None:
    redact_access_log()
    redact_access_log()
    access = logging.getLogger("uvicorn.access")
    assert sum(isinstance(f, RedactTokens) for f in access.filters) == 1
