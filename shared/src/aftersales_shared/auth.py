"""Who is calling: HS256 JWTs with the roles and claims of the contract, as a FastAPI dependency."""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

import jwt
from cachetools import LRUCache
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from aftersales_shared.errors import NotPermitted, Unauthorized
from aftersales_shared.ids import ID_PATTERN, is_id

# A secret's length is checked where it is configured (settings: at least 32 characters in
# production, 16 elsewhere). The contract's development secret has 20, which PyJWT would warn
# about on `make run`'s console from every process, as if something were wrong.
warnings.filterwarnings("ignore", category=jwt.warnings.InsecureKeyLengthWarning)


class Role(StrEnum):
    CUSTOMER = "customer"
    SELLER_ADMIN = "seller_admin"
    SELLER_STAFF = "seller_staff"
    PLATFORM_AGENT = "platform_agent"
    QC_ANALYST = "qc_analyst"


SELLER_ROLES = frozenset({Role.SELLER_ADMIN, Role.SELLER_STAFF})


@dataclass(frozen=True)
class Principal:
    """The authenticated caller."""

    sub: str
    role: Role
    seller_id: str | None = None

    @property
    def is_seller(self) -> bool:
        return self.role in SELLER_ROLES


def issue_token(
    *,
    secret: str,
    sub: str,
    role: Role | str,
    now: datetime,
    seller_id: str | None = None,
    ttl: timedelta = timedelta(hours=8),
) -> str:
    """Sign a token (for tests, tools and the development run)."""
    claims: dict[str, object] = {"sub": sub, "role": str(role), "exp": now + ttl, "iat": now}
    if seller_id is not None:
        claims["seller_id"] = seller_id
    return jwt.encode(claims, secret, algorithm="HS256")


_verified: LRUCache[tuple[str, str], tuple[Principal, float]] = LRUCache(maxsize=10_000)
"""Tokens verified already, with their expiry: a client sends the same token on every call."""


def _now() -> float:
    return time.time()


def verify_token(token: str, *, secret: str) -> Principal:
    """Check signature, expiry and claims; any failure is Unauthorized with the reason.

    A token verified before is answered from memory until its `exp` (an expired one is
    checked again, and refused).
    """
    hit = _verified.get((secret, token))
    if hit is not None and _now() < hit[1]:
        return hit[0]
    principal, expires = _verify(token, secret=secret)
    _verified[(secret, token)] = (principal, expires)
    return principal


def _verify(token: str, *, secret: str) -> tuple[Principal, float]:
    try:
        claims = jwt.decode(
            token, secret, algorithms=["HS256"], options={"require": ["sub", "role", "exp"]}
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("the token has expired") from None
    except jwt.InvalidTokenError as exc:
        raise Unauthorized(f"invalid token: {exc}") from None
    return _principal(claims), float(claims["exp"])


def _principal(claims: dict[str, object]) -> Principal:
    """Typed claims: `sub` and `seller_id` are ids, `role` a known role; else Unauthorized.

    `seller_id` means something only on a seller role: on any other it is ignored.
    """
    role, sub, seller_id = claims["role"], claims["sub"], claims.get("seller_id")
    if not isinstance(role, str) or role not in Role.__members__.values():
        raise Unauthorized(f"unknown role {role!r}")
    if not is_id(sub):
        raise Unauthorized(f"the token's sub must be an id ({ID_PATTERN})")
    if seller_id is not None and not is_id(seller_id):
        raise Unauthorized(f"the token's seller_id must be an id ({ID_PATTERN})")
    if Role(role) not in SELLER_ROLES:
        return Principal(sub=str(sub), role=Role(role))
    if seller_id is None:
        raise Unauthorized("a seller token must carry seller_id")
    return Principal(sub=str(sub), role=Role(role), seller_id=str(seller_id))


_bearer = HTTPBearer(auto_error=False, description="JWT signed with AUTH_SECRET (HS256)")


async def current_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """FastAPI dependency: the verified caller, or 401."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("missing bearer token")
    secret: str = request.app.state.auth_secret
    return verify_token(credentials.credentials, secret=secret)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: Role) -> object:
    """A dependency that admits only the given roles (403 otherwise)."""

    async def check(principal: CurrentPrincipal) -> Principal:
        if principal.role not in roles:
            raise NotPermitted(f"role {principal.role} may not do this")
        return principal

    return Depends(check)
