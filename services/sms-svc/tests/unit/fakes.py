"""Dict-backed stand-ins for the stores and the provider: the real handlers run on them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sms_svc.domain.message import Status
from sms_svc.domain.ratelimit import Admission, RateLimits, admit
from sms_svc.ports import Attempt, Delivery, OutgoingSms

Doc = dict[str, Any]


@dataclass
class FakeMessages:
    docs: dict[str, Doc] = field(default_factory=dict)

    async def insert(self, doc: Doc) -> bool:
        if doc["_id"] in self.docs:
            return False
        self.docs[doc["_id"]] = dict(doc)
        return True

    async def get(self, message_id: str) -> Doc | None:
        doc = self.docs.get(message_id)
        return dict(doc) if doc else None

    async def claim(self, message_id: str, *, now_ms: int, lease_ms: int) -> Doc | None:
        doc = self.docs.get(message_id)
        if not doc or doc["status"] != Status.QUEUED or doc["lease_until_ms"] >= now_ms:
            return None
        doc["lease_until_ms"] = now_ms + lease_ms
        return dict(doc)

    async def finish(self, message_id: str, *, changes: Doc) -> None:
        doc = self.docs[message_id]
        if doc["status"] == Status.QUEUED:
            doc.update(changes)

    async def requeue(self, message_id: str, *, now_ms: int) -> bool:
        doc = self.docs.get(message_id)
        if not doc or doc["status"] != Status.FAILED:
            return False
        doc.update(status=Status.QUEUED.value, lease_until_ms=0, updated_at_ms=now_ms)
        doc["operator_retries"] += 1
        return True

    async def stale(self, *, now_ms: int, limit: int) -> list[str]:
        return [
            d["_id"]
            for d in self.docs.values()
            if d["status"] == Status.QUEUED and d["lease_until_ms"] < now_ms
        ][:limit]

    async def held(self, *, limit: int) -> list[Doc]:
        docs = [d for d in self.docs.values() if d["status"] == Status.HELD]
        docs.sort(key=lambda d: (d["created_at_ms"], d["_id"]))
        return [dict(d) for d in docs[:limit]]

    async def mark_digested(self, ids: list[str], *, digest_id: str, now_ms: int) -> None:
        for mid in ids:
            doc = self.docs.get(mid)
            if doc and doc["status"] == Status.HELD:
                doc.update(status=Status.DIGESTED.value, digest_id=digest_id, updated_at_ms=now_ms)

    async def search(
        self,
        *,
        filters: Doc,
        after: tuple[int, str] | None,
        limit: int,
        categories: frozenset[str] | None = None,
    ) -> list[Doc]:
        raise NotImplementedError


@dataclass
class FakeWindows:
    limits: RateLimits = field(default_factory=RateLimits)
    entries: dict[str, tuple[tuple[int, str], ...]] = field(default_factory=dict)

    async def admit(self, phone: str, *, key: str, now_ms: int) -> Admission:
        verdict = admit(
            entries=self.entries.get(phone, ()), key=key, now_ms=now_ms, limits=self.limits
        )
        self.entries[phone] = verdict.entries
        return verdict


@dataclass
class ScriptedProvider:
    """Answers from `outcomes` in turn (True delivered, False failed), then delivers."""

    outcomes: list[bool] = field(default_factory=list)
    sent: list[OutgoingSms] = field(default_factory=list)
    name: str = "fake"

    async def send(self, sms: OutgoingSms) -> Delivery:
        self.sent.append(sms)
        ok = self.outcomes.pop(0) if self.outcomes else True
        attempt = Attempt(at_ms=0, duration_ms=1, outcome="ok" if ok else "http_500", answer="")
        return Delivery(ok=ok, attempts=(attempt,), provider_ref="p1" if ok else None)

    async def close(self) -> None:
        return None

    def keys(self) -> Sequence[str]:
        return [s.idempotency_key for s in self.sent]
