"""Deadlines in timer-svc's MongoDB: one document each, claimed in batches with a lease.

`next_ms` exists only while a deadline is pending (it is the due instant, indexed): the claim
query, the "anything still due?" check and the pending count all read that one index. Leases are
wall-clock milliseconds in `lease_ms` (0 = free), so a jump of the virtual clock never expires one.
Which deadlines belong to an order is kept in a side collection (`deadlines_by_order`), so the
firing path's writes maintain one secondary index, not two (measured: ~30% cheaper per claim).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from aftersales_shared.persistence import Doc
from pymongo import UpdateOne
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from timer_svc.adapters.deadline_docs import from_doc, from_ms, to_doc, to_ms
from timer_svc.domain.deadlines import Command, Deadline, State, resumed_due, sources
from timer_svc.ports import Claim

_SUSPENDED = {"state": {"$eq": State.SUSPENDED.value}}


class MongoDeadlineStore:
    def __init__(self, db: AsyncDatabase[Doc], *, collection: str = "deadlines") -> None:
        self.db = db
        self.collection = db[collection]
        self._suspensions = db["suspensions"]
        self._by_order = db[f"{collection}_by_order"]

    async def ensure_indexes(self) -> None:
        await self.collection.create_index("next_ms")
        await self._by_order.create_index("order_id")

    async def _of_order(self, order_id: str) -> list[str]:
        found = await self._by_order.find({"order_id": {"$eq": order_id}}, {"_id": 1}).to_list()
        return [doc["_id"] for doc in found]

    async def schedule(self, deadline: Deadline, *, now: datetime) -> bool:
        now_ms = to_ms(now)
        suspension = await self._suspensions.find_one({"_id": {"$eq": deadline.order_id}})
        doc = to_doc(deadline, now=now, suspended=suspension is not None)
        with contextlib.suppress(DuplicateKeyError):  # first, so no deadline lacks its entry
            await self._by_order.insert_one(
                {"_id": deadline.deadline_id, "order_id": deadline.order_id}
            )
        try:
            await self.collection.insert_one(doc)
        except DuplicateKeyError:
            return False
        await self._follow_suspension(deadline, was_suspended=suspension is not None, now_ms=now_ms)
        return True

    async def _follow_suspension(
        self, deadline: Deadline, *, was_suspended: bool, now_ms: int
    ) -> None:
        """A suspend or resume of the order that ran between the read of its suspension and the
        insert did not see the new deadline: do its part now (suspend and resume write their
        marker before they look for deadlines, so one of the two always sees the other)."""
        suspended = await self._suspensions.find_one({"_id": {"$eq": deadline.order_id}})
        if suspended is not None and not was_suspended:
            await self.collection.update_one(
                {"_id": {"$eq": deadline.deadline_id}, "state": {"$eq": State.PENDING.value}},
                {
                    "$set": {"state": State.SUSPENDED.value, "suspended_ms": now_ms},
                    "$unset": {"next_ms": ""},
                    "$inc": {"gen": 1},
                },
            )
        elif suspended is None and was_suspended:
            await self.collection.update_one(
                {"_id": {"$eq": deadline.deadline_id}, **_SUSPENDED},
                {
                    "$set": {"state": "pending", "next_ms": to_ms(deadline.due), "lease_ms": 0},
                    "$unset": {"suspended_ms": ""},
                },
            )

    async def cancel(self, deadline_id: str) -> bool:
        for _ in range(2):
            result = await self.collection.update_one(
                {"_id": {"$eq": deadline_id}, "state": {"$in": _sources(Command.CANCEL)}},
                {"$set": {"state": State.CANCELLED.value}, "$unset": {"next_ms": ""}},
            )
            if result.modified_count:
                return True
            # a tombstone: a `timer.schedule` overtaken by its cancel must not arm it later
            try:
                await self.collection.insert_one(
                    {"_id": deadline_id, "state": State.CANCELLED.value}
                )
                return False
            except DuplicateKeyError:
                continue  # the schedule got in between the two writes: cancel it now
        return False

    async def suspend(self, order_id: str, *, now: datetime) -> int:
        now_ms = to_ms(now)
        await self._suspensions.update_one(
            {"_id": {"$eq": order_id}}, {"$setOnInsert": {"since_ms": now_ms}}, upsert=True
        )
        ids = await self._of_order(order_id)
        if not ids:
            return 0
        result = await self.collection.update_many(
            {"_id": {"$in": ids}, "state": {"$in": _sources(Command.SUSPEND)}},
            {
                "$set": {"state": State.SUSPENDED.value, "suspended_ms": now_ms},
                "$unset": {"next_ms": ""},
                "$inc": {"gen": 1},
            },
        )
        return result.modified_count

    async def resume(self, order_id: str, *, now: datetime) -> int:
        await self._suspensions.delete_one({"_id": {"$eq": order_id}})  # first: see schedule()
        ids = await self._of_order(order_id)
        suspended = await self.collection.find(
            {"_id": {"$in": ids}, "state": {"$in": _sources(Command.RESUME)}},
            {"due_ms": 1, "suspended_ms": 1, "gen": 1},
        ).to_list()
        writes = []
        for doc in suspended:
            due = to_ms(
                resumed_due(
                    due=from_ms(doc["due_ms"]), suspended=from_ms(doc["suspended_ms"]), resumed=now
                )
            )
            writes.append(
                UpdateOne(
                    {"_id": {"$eq": doc["_id"]}, "gen": {"$eq": doc["gen"]}, **_SUSPENDED},
                    {
                        "$set": {"state": "pending", "due_ms": due, "next_ms": due, "lease_ms": 0},
                        "$unset": {"suspended_ms": ""},
                    },
                )
            )
        return (await self.collection.bulk_write(writes)).modified_count if writes else 0

    async def claim(
        self, *, due_by: datetime, wall: datetime, lease: timedelta, limit: int
    ) -> Claim | None:
        due_by_ms, wall_ms = to_ms(due_by), to_ms(wall)
        candidates = (
            await self.collection.find(
                {"next_ms": {"$lte": due_by_ms}, "lease_ms": {"$lt": wall_ms}}
            )
            .sort("next_ms", 1)
            .limit(limit)
            .to_list()
        )
        if not candidates:
            return None
        token = uuid.uuid4().hex
        until = wall_ms + lease // timedelta(milliseconds=1)
        ids = [doc["_id"] for doc in candidates]
        result = await self.collection.update_many(
            {"_id": {"$in": ids}, "state": {"$eq": "pending"}, "lease_ms": {"$lt": wall_ms}},
            {"$set": {"lease_ms": until, "claim": token}},
        )
        if result.modified_count < len(ids):  # lost some to another replica (or a cancel)
            won = await self.collection.find(
                {"_id": {"$in": ids}, "claim": {"$eq": token}}, {"_id": 1}
            ).to_list()
            kept = {doc["_id"] for doc in won}
            candidates = [doc for doc in candidates if doc["_id"] in kept]
        deadlines = [from_doc(d) for d in candidates]
        return Claim(token=token, deadlines=deadlines, lease_until=from_ms(until))

    async def mark_fired(self, claim: Claim, ids: Sequence[str], *, fired_at: datetime) -> int:
        if not ids:
            return 0
        result = await self.collection.update_many(
            {"_id": {"$in": list(ids)}, "claim": {"$eq": claim.token}, "state": {"$eq": "pending"}},
            {
                "$set": {"state": State.FIRED.value, "fired_ms": to_ms(fired_at)},
                "$unset": {"next_ms": ""},
            },
        )
        return result.modified_count

    async def any_due(self, *, due_by: datetime) -> bool:
        found = await self.collection.find_one({"next_ms": {"$lte": to_ms(due_by)}}, {"_id": 1})
        return found is not None

    async def pending_count(self) -> int:
        # the `count` command, not count_documents: the development store aggregates slowly
        reply = await self.db.command("count", self.collection.name, query={"next_ms": {"$gte": 0}})
        return int(reply["n"])


def _sources(command: Command) -> list[str]:
    return [state.value for state in sources(command)]
