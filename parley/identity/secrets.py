"""Password hashing, access tokens and opaque secrets, each with the library made for it.

Passwords: argon2id (argon2-cffi). Access tokens: HS256 JWTs (pyjwt). Refresh tokens and API keys: random
URL-safe strings stored only as SHA-256 hashes, which is enough for high-entropy secrets.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import datetime, timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from parley.core.errors import AuthenticationFailed

__all__ = [
    "decode_access_token",
    "hash_password",
    "hash_secret",
    "issue_access_token",
    "new_secret",
    "verify_password",
]

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("parley-timing-equaliser")


def hash_password(password: str) -> str:
    """An argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; a missing user costs the same time as a wrong password."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_secret(prefix: str = "", nbytes: int = 32) -> str:
    """A random URL-safe secret with an optional visible prefix."""
    return prefix + secrets.token_urlsafe(nbytes)


def hash_secret(secret: str) -> str:
    """The stored form of a high-entropy secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_access_token(
    *,
    secret: str,
    user_id: uuid.UUID,
    tenant_id: uuid.UUID,
    role: str,
    version: int,
    now: datetime,
    ttl: timedelta,
) -> str:
    """A short-lived signed token; ``ver`` lets "log out everywhere" invalidate tokens already issued."""
    claims = {
        "sub": str(user_id),
        "tid": str(tenant_id),
        "role": role,
        "ver": version,
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "typ": "access",
    }
    return jwt.encode(claims, secret, algorithm="HS256")


def decode_access_token(token: str, *, secret: str, now: datetime) -> dict[str, Any]:
    """Verify signature and expiry; raises :class:`AuthenticationFailed` with a precise code."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            options={"require": ["exp", "sub", "tid"], "verify_exp": False},
        )
    except jwt.PyJWTError as exc:
        raise AuthenticationFailed("the access token is not valid", code="AUTH_TOKEN_INVALID") from exc
    if claims.get("typ") != "access":
        raise AuthenticationFailed("the token is not an access token", code="AUTH_TOKEN_INVALID")
    if int(claims["exp"]) <= int(now.timestamp()):
        raise AuthenticationFailed("the access token has expired", code="AUTH_TOKEN_EXPIRED")
    return claims
