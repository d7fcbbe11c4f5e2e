"""Idempotency-Key: one answer per (tenant, caller, route, key), and a lease on a running slot.

A slot is `running` while its request is handled, under a lease. A process that dies mid-request
leaves the slot running; once its lease is over, a retry takes the slot over and runs the action
again. The action is told the slot's id (`request`) and must make that re-run safe: it records
the id on the change it writes and, finding it there, answers from that change instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError, PyMongoError

from aftersales_shared.auth import Principal
from aftersales_shared.error_status import http_status
from aftersales_shared.errors import AppError, Conflict, Invalid
from aftersales_shared.persistence.client import Doc

DEFAULT_LEASE_S = 30.0


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: Any


Action = Callable[[str | None], Awaitable[StoredResponse]]
"""Runs the request; gets the slot's id (None without a key) to record on its change."""


def scope_of(principal: Principal, route: str) -> str:
    """role + seller (seller roles) + sub + route: a key never crosses tenants or callers."""
    seller = principal.seller_id if principal.is_seller else None
    return json.dumps([principal.role.value, seller, principal.sub, route])


def slot_id(scope: str, key: str) -> str:
    """The slot's stable id: the same scope and key always give the same one."""
    return hashlib.sha256(json.dumps([scope, key]).encode()).hexdigest()[:32]


def fingerprint(request_body: Any) -> str:
    """What a repeat must match: the request body, canonically serialized and hashed."""
    return hashlib.sha256(
        json.dumps(request_body, sort_keys=True, default=str).encode()
    ).hexdigest()


def wall_ms() -> int:
    """Wall-clock milliseconds: leases must not follow a virtual clock's jumps."""
    return int(time.time() * 1000)


class IdempotencyStore:
    """Remembers the answer to each (tenant, caller, route, Idempotency-Key) for its retries."""

    def __init__(
        self,
        collection: AsyncCollection[Doc],
        *,
        clock: Callable[[], datetime],
        wall: Callable[[], int] = wall_ms,
        lease_s: float = DEFAULT_LEASE_S,
    ) -> None:
        self._collection = collection
        self._now = clock
        self._wall = wall
        self._lease_ms = int(lease_s * 1000)

    async def run(
        self,
        *,
        principal: Principal,
        route: str,
        key: str | None,
        request_body: Any,
        action: Action,
    ) -> StoredResponse:
        """Run `action` once per key; a repeat with the same body replays the first answer."""
        if key is None:
            return await action(None)
        if not 1 <= len(key) <= 200:
            raise Invalid("Idempotency-Key must be 1 to 200 characters")
        body_hash = fingerprint(request_body)
        slot = slot_id(scope_of(principal, route), key)
        token = uuid.uuid4().hex
        if not await self._take(slot, body_hash, token):
            return await self._replay(slot, body_hash)
        try:
            response = await action(slot)
        except AppError as exc:
            response = StoredResponse(
                status=http_status(exc),
                body={"error": {"code": exc.code, "message": exc.message, **exc.details}},
            )
        except BaseException:
            with contextlib.suppress(PyMongoError):  # else the lease frees it
                await self._collection.delete_one({"_id": {"$eq": slot}, "token": {"$eq": token}})
            raise
        await self._collection.update_one(
            {"_id": {"$eq": slot}, "token": {"$eq": token}},
            {
                "$set": {
                    "state": "done",
                    "status": response.status,
                    "body": json.dumps(response.body, default=str),
                    "at": self._now(),
                },
                "$unset": {"lease_ms": ""},
            },
        )
        return response

    async def _take(self, slot: str, fingerprint: str, token: str) -> bool:
        """Insert the slot, or take over one left running past its lease; False if neither."""
        until = self._wall() + self._lease_ms
        try:
            await self._collection.insert_one(
                {
                    "_id": slot,
                    "fingerprint": fingerprint,
                    "state": "running",
                    "token": token,
                    "lease_ms": until,
                    "at": self._now(),
                }
            )
            return True
        except DuplicateKeyError:
            pass
        taken = await self._collection.update_one(
            {
                "_id": {"$eq": slot},
                "state": {"$eq": "running"},
                "fingerprint": {"$eq": fingerprint},
                "lease_ms": {"$lt": self._wall()},
            },
            {"$set": {"token": token, "lease_ms": until}},
        )
        return taken.modified_count == 1

    async def _replay(self, slot: str, fingerprint: str) -> StoredResponse:
        stored = await self._collection.find_one({"_id": {"$eq": slot}})
        if stored is not None and stored["fingerprint"] != fingerprint:
            raise Invalid("this Idempotency-Key was used with a different request body")
        if stored is None or stored.get("state") != "done":
            raise Conflict("a request with this Idempotency-Key is still being handled")
        return StoredResponse(status=int(stored["status"]), body=json.loads(stored["body"]))
