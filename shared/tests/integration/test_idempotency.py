"""The Idempotency-Key store on the real store: replays, tenants, and leases of running slots."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aftersales_shared.auth import Principal, Role
from aftersales_shared.errors import Conflict, Invalid
from aftersales_shared.persistence import Doc
from aftersales_shared.persistence import IdempotencyStore as FromThePackage
from aftersales_shared.persistence.idempotency import IdempotencyStore, StoredResponse
from pymongo.asynchronous.database import AsyncDatabase

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
U1 = Principal(sub="u1", role=Role.CUSTOMER)
U2 = Principal(sub="u2", role=Role.CUSTOMER)


class Wall:
    """A wall clock the test moves (milliseconds)."""

    def __init__(self) -> None:
        self.ms = 1_000_000

    def __call__(self) -> int:
        return self.ms


class Counting:
    """An action that counts its runs and remembers the request ids it was given."""

    def __init__(self, status: int = 201) -> None:
        self.requests: list[str | None] = []
        self.status = status

    async def __call__(self, request: str | None) -> StoredResponse:
        self.requests.append(request)
        return StoredResponse(status=self.status, body={"n": len(self.requests)})


def store_of(db: AsyncDatabase[Doc], wall: Wall | None = None) -> IdempotencyStore:
    return IdempotencyStore(db["idempotency"], clock=lambda: NOW, wall=wall or Wall(), lease_s=30)


async def test_the_persistence_package_exports_the_store() -> None:
    assert FromThePackage is IdempotencyStore


async def test_idempotency_replays_the_first_answer(db: AsyncDatabase[Doc]) -> None:
    store, action = store_of(db), Counting()
    first = await store.run(
        principal=U1, route="POST /x", key="k", request_body={"a": 1}, action=action
    )
    again = await store.run(
        principal=U1, route="POST /x", key="k", request_body={"a": 1}, action=action
    )
    assert first == again == StoredResponse(201, {"n": 1})
    assert len(action.requests) == 1
    assert action.requests[0] is not None
    with pytest.raises(Invalid, match="different request body"):
        await store.run(
            principal=U1, route="POST /x", key="k", request_body={"a": 2}, action=action
        )
    other = await store.run(
        principal=U2, route="POST /x", key="k", request_body={"a": 1}, action=action
    )
    assert other.body["n"] == 2
    assert action.requests[1] != action.requests[0], "another caller has another slot"


async def test_idempotency_remembers_errors_and_forgets_crashes(db: AsyncDatabase[Doc]) -> None:
    store = store_of(db)

    async def refuse(_: str | None) -> StoredResponse:
        raise Conflict("not in this state")

    async def crash(_: str | None) -> StoredResponse:
        raise RuntimeError("boom")

    first = await store.run(principal=U1, route="r", key="e", request_body={}, action=refuse)
    assert first.status == 409
    assert await store.run(principal=U1, route="r", key="e", request_body={}, action=crash) == first
    with pytest.raises(RuntimeError):
        await store.run(principal=U1, route="r", key="c", request_body={}, action=crash)
    replay = await store.run(principal=U1, route="r", key="c", request_body={}, action=refuse)
    assert replay.status == 409, "a crashed attempt leaves the key free"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            Principal(sub="boss", role=Role.SELLER_ADMIN, seller_id="A"),
            Principal(sub="boss", role=Role.SELLER_ADMIN, seller_id="B"),
        ),
        (
            Principal(sub="st-audit", role=Role.SELLER_STAFF, seller_id="A"),
            Principal(sub="st-audit", role=Role.SELLER_STAFF, seller_id="B"),
        ),
        (Principal(sub="x", role=Role.CUSTOMER), Principal(sub="x", role=Role.PLATFORM_AGENT)),
    ],
)
async def test_keys_never_cross_tenants(db: AsyncDatabase[Doc], a: Principal, b: Principal) -> None:
    store, action = store_of(db), Counting(status=200)
    route = "POST /v1/service-orders/batch-audit"
    mine = await store.run(principal=a, route=route, key="K", request_body={}, action=action)
    theirs = await store.run(principal=b, route=route, key="K", request_body={}, action=action)
    assert mine.body == {"n": 1}
    assert theirs.body == {"n": 2}, "B's request ran; it did not get A's answer"


def crashed(*, lease_ms: int) -> Doc:
    """The update that leaves a slot as a SIGKILL mid-request does: running, owned by the dead."""
    return {
        "$set": {"state": "running", "token": "dead", "lease_ms": lease_ms},
        "$unset": {"status": "", "body": ""},
    }


async def test_a_slot_left_running_is_taken_over_after_its_lease(db: AsyncDatabase[Doc]) -> None:
    wall = Wall()
    store, action = store_of(db, wall), Counting()
    first = await store.run(principal=U1, route="r", key="k", request_body={}, action=action)
    await db["idempotency"].update_one({}, crashed(lease_ms=wall.ms + 30_000))
    with pytest.raises(Conflict, match="still being handled"):
        await store.run(principal=U1, route="r", key="k", request_body={}, action=action)
    assert len(action.requests) == 1, "within the lease nobody else runs it"
    wall.ms += 30_001
    with pytest.raises(Invalid, match="different request body"):
        await store.run(principal=U1, route="r", key="k", request_body={"x": 1}, action=action)
    answer = await store.run(principal=U1, route="r", key="k", request_body={}, action=action)
    assert answer == StoredResponse(201, {"n": 2})
    assert action.requests[1] == action.requests[0], (
        "the re-run gets the slot id to find its change"
    )
    again = await store.run(principal=U1, route="r", key="k", request_body={}, action=action)
    assert again == answer
    assert len(action.requests) == 2
    assert first.body == {"n": 1}


async def test_a_finished_slot_is_never_taken_over(db: AsyncDatabase[Doc]) -> None:
    wall = Wall()
    store, action = store_of(db, wall), Counting()
    first = await store.run(principal=U1, route="r", key="k", request_body={}, action=action)
    wall.ms += 3_600_000
    assert (
        await store.run(principal=U1, route="r", key="k", request_body={}, action=action) == first
    )
    assert len(action.requests) == 1
