"""The access log without the web chat's token.

A browser's ``EventSource`` cannot send headers, so the web chat's events stream carries the visitor's token
in its query string, and uvicorn's access log would keep every token it served.
"""

from __future__ import annotations

import logging
import re

__all__ = ["RedactTokens", "redact_access_log"]

_TOKEN = re.compile(r"([?&]token=)[^&\s]+")


class RedactTokens(logging.Filter):
    """Replaces ``token=...`` in the path of an access-log record (uvicorn passes the path as its third arg)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's path; never drops a record."""
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], _TOKEN.sub(r"\1[redacted]", args[2]), *args[3:])
        return True


def redact_access_log() -> None:
    """Filter uvicorn's access log once per process (called at start-up, after uvicorn set up logging)."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactTokens) for f in access.filters):
        access.addFilter(RedactTokens())
