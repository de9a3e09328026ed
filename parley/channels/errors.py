"""The one error a channel parser raises: the payload is not what the provider would ever send."""

from __future__ import annotations

from parley.core.errors import ValidationFailed

__all__ = ["InvalidChannelPayload"]


class InvalidChannelPayload(ValidationFailed):
    """A webhook body that cannot be a provider payload (no update id, no message sid, not a mapping).

    Payloads that are valid but not worth answering are not errors: they parse into an `InboundMessage`
    with an ``ignored_reason``. This error is for garbage, so the route can answer 400 and log it.
    """

    default_code = "VAL_CHANNEL_PAYLOAD"
