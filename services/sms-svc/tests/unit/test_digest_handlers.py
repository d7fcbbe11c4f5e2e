"""Seller warnings over the limit are held and sent in digests (real handlers on fakes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aftersales_shared.clock import FixedClock
from aftersales_shared.contracts import Envelope, envelope
from aftersales_shared.contracts.messages import SmsSend
from sms_svc.domain.message import message_id
from sms_svc.handlers.digests import Digester
from sms_svc.handlers.sending import SmsService
from sms_svc.ports import Delivery, OutgoingSms

from .fakes import FakeMessages, FakeWindows, ScriptedProvider

T0 = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
SELLER_PHONE, CUSTOMER_PHONE = "13912340000", "13812341234"


def service(provider: ScriptedProvider) -> SmsService:
    return SmsService(
        messages=FakeMessages(),
        windows=FakeWindows(),
        provider=provider,
        clock=FixedClock(T0),
        lease=timedelta(seconds=60),
    )


def warning(n: int) -> Envelope:
    return envelope(
        type="sms.send",
        payload=SmsSend(
            recipient=SELLER_PHONE,
            template="SELLER_RETURN_WARNING",
            params={"order_no": f"SO2026112600{n:02d}", "days_left": "5"},
            order_id=f"o{n}",
            idempotency_key=f"o{n}:v7.SELLER_RETURN_WARNING",
        ),
        occurred_at=T0,
        seller_id="s1",
    )


def to_customer(n: int) -> Envelope:
    return envelope(
        type="sms.send",
        payload=SmsSend(
            recipient=CUSTOMER_PHONE,
            template="SHIP_REMINDER",
            params={"order_no": f"SO{n}"},
            order_id=f"c{n}",
            idempotency_key=f"c{n}:v2.SHIP_REMINDER",
        ),
        occurred_at=T0,
        seller_id="s1",
    )


def docs(sms: SmsService) -> list[dict[str, object]]:
    assert isinstance(sms.messages, FakeMessages)
    return list(sms.messages.docs.values())


async def test_twenty_warnings_in_an_hour_are_all_sent_none_throttled() -> None:
    provider = ScriptedProvider()
    sms, clock = service(provider), FixedClock(T0)
    sms.clock = clock
    digester = Digester(sms)
    for n in range(20):
        await sms.on_send(warning(n))
        clock.advance(60)
    for n in range(7):
        await sms.on_send(to_customer(n))
    statuses = [d["status"] for d in docs(sms) if d["phone"] == SELLER_PHONE]
    assert statuses == ["SENT"] * 5 + ["HELD"] * 15
    assert await digester.digest_once() == 0  # the window is full: nothing yet
    clock.advance(3600)
    assert await digester.digest_once() >= 1
    assert await digester.digest_once() == 0
    sent_texts = [s.text for s in provider.sent if s.phone == SELLER_PHONE]
    for n in range(20):
        assert sum(f"SO2026112600{n:02d}" in t for t in sent_texts) == 1, n
    seller = [d for d in docs(sms) if d["phone"] == SELLER_PHONE]
    assert not [d for d in seller if d["status"] in ("THROTTLED", "HELD", "QUEUED")]
    digests = {d["_id"]: d for d in seller if d["template"] == "SELLER_DIGEST"}
    assert all(d["status"] == "SENT" for d in digests.values())
    for d in seller:
        if d["status"] == "DIGESTED":
            assert d["_id"] in digests[str(d["digest_id"])]["members"]  # type: ignore[operator]
    customer = [d["status"] for d in docs(sms) if d["phone"] == CUSTOMER_PHONE]
    assert customer == ["SENT"] * 5 + ["THROTTLED"] * 2


class CrashOnce(ScriptedProvider):
    """The process dies while the first digest is with the gateway."""

    crashed: bool = False

    async def send(self, sms: OutgoingSms) -> Delivery:
        if sms.idempotency_key.startswith("digest:") and not self.crashed:
            self.crashed = True
            raise RuntimeError("killed")
        return await super().send(sms)


async def test_a_digest_interrupted_by_a_crash_is_sent_once_by_the_sweep() -> None:
    provider = CrashOnce()
    sms = service(provider)
    assert isinstance(sms.clock, FixedClock)
    for n in range(8):
        await sms.on_send(warning(n))
    sms.clock.advance(3600)
    assert await Digester(sms).digest_once() == 0  # the round failed and logged it
    assert await Digester(sms).digest_once() == 0  # already recorded: nothing new to digest
    sms.clock.advance(61)
    assert await sms.sweep_once() == 1
    digests = [s for s in provider.sent if s.idempotency_key.startswith("digest:")]
    assert len(digests) == 1
    assert all(f"SO2026112600{n:02d}" in digests[0].text for n in range(5, 8))
    held = [d for d in docs(sms) if d["status"] == "DIGESTED"]
    assert len(held) == 3


async def test_a_round_that_died_before_marking_is_finished_under_the_same_id() -> None:
    provider = ScriptedProvider()
    sms = service(provider)
    assert isinstance(sms.clock, FixedClock)
    assert isinstance(sms.messages, FakeMessages)
    for n in range(7):
        await sms.on_send(warning(n))
    sms.clock.advance(3600)
    real_mark = sms.messages.mark_digested

    async def dies(ids: list[str], *, digest_id: str, now: datetime) -> None:
        raise RuntimeError("killed before marking")

    sms.messages.mark_digested = dies  # type: ignore[method-assign]
    assert await Digester(sms).digest_once() == 0
    sms.messages.mark_digested = real_mark  # type: ignore[method-assign]
    assert await Digester(sms).digest_once() == 1  # resumed: marked, its lease still held
    digests = [d for d in docs(sms) if d["template"] == "SELLER_DIGEST"]
    assert len(digests) == 1
    assert digests[0]["status"] == "QUEUED"
    sms.clock.advance(61)
    assert await sms.sweep_once() == 1
    assert digests[0]["status"] == "SENT"
    assert not [d for d in docs(sms) if d["status"] == "HELD"]
    assert [s.idempotency_key for s in provider.sent].count(digests[0]["idempotency_key"]) == 1
    first_held = message_id("o5:v7.SELLER_RETURN_WARNING")
    assert digests[0]["members"] == [first_held, message_id("o6:v7.SELLER_RETURN_WARNING")]


class Interleaved(FakeMessages):
    """Marks one document at a time, as MongoDB's update_many may; another replica's round
    runs after the first document of the first marking."""

    other: Digester | None = None

    async def mark_digested(self, ids: list[str], *, digest_id: str, now: datetime) -> None:
        for mid in ids:
            await super().mark_digested([mid], digest_id=digest_id, now=now)
            other, self.other = self.other, None
            if other is not None:
                await other.digest_once()


async def test_a_concurrent_round_mid_marking_names_no_order_twice() -> None:
    provider = ScriptedProvider()
    sms = service(provider)
    messages = Interleaved()
    sms.messages = messages
    assert isinstance(sms.clock, FixedClock)
    for n in range(9):
        await sms.on_send(warning(n))
    sms.clock.advance(3600)
    messages.other = Digester(sms)
    await Digester(sms).digest_once()
    sms.clock.advance(61)
    await sms.sweep_once()
    texts = [s.text for s in provider.sent if s.idempotency_key.startswith("digest:")]
    for n in range(5, 9):
        assert sum(f"SO2026112600{n:02d}" in t for t in texts) == 1, n
    assert not [d for d in docs(sms) if d["status"] in ("HELD", "QUEUED")]
