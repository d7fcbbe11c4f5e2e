"""A closed week's notices end to end: order events on the bus (as order-svc publishes them),
metrics-svc counts them, the shared clock passes the second week's Sunday 24:00, metrics-svc
asks for the notices (`notice.requested`) and sms-svc shows the seller a BOTTOM10_WARNING and a
FINED in `GET /v1/notices`, once each; another seller sees neither."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from aftersales_shared.contracts import Envelope
from aftersales_shared.messaging import Bus
from aftersales_testkit import bearer, eventually
from aftersales_testkit.order_events import order_event
from metrics_svc.domain.weeks import shift_week, week_end, week_of, week_start

from tests.e2e.conftest import AGENT, RunningStack

pytestmark = pytest.mark.e2e
QC = bearer("qc_analyst")
H = timedelta(hours=1)


@pytest.fixture
async def bus(running_stack: RunningStack, amqp_url: str) -> AsyncIterator[Bus]:
    """A publisher of order events on the stack's bus, as order-svc."""
    publisher = Bus(
        url=amqp_url, namespace=running_stack.namespace, service="order-svc", retry_delay_ms=200
    )  # the stack's BUS_RETRY_DELAY_MS: the same queues
    await publisher.connect()
    try:
        yield publisher
    finally:
        await publisher.close()


def week_events(seller: str, other: str, first: str, unique: str) -> list[Envelope]:
    """`seller` audits late in two weeks running (score 0: the Bottom-10 of both) and leaves ten
    orders unaudited and one unprocessed in the second (4000.00); `other` leaves nine unaudited
    (no fine) and is never scored."""
    second = shift_week(first, 1)
    events = []
    for n, week in enumerate((first, second)):
        applied = week_start(week) + 2 * H
        events.append(order_event("audited", seller_id=seller, order_id=f"{unique}-a{n}",
                                  applied_at=applied, audited_at=applied + 13 * H))  # fmt: skip
    applied = week_start(second) + 2 * H
    events += [
        order_event("audit_overdue", seller_id=s, order_id=f"{unique}-{prefix}{n}",
                    applied_at=applied)
        for s, prefix, count in ((seller, "u", 10), (other, "v", 9))
        for n in range(count)
    ]  # fmt: skip
    events.append(order_event("process_overdue", seller_id=seller, order_id=f"{unique}-p",
                              applied_at=applied, received_at=applied))  # fmt: skip
    return events


async def clock_now(http: httpx.AsyncClient, stack: RunningStack) -> datetime:
    r = await http.get(f"{stack.url('timer-svc')}/admin/clock", headers=AGENT)
    assert r.status_code == 200, r.text
    return datetime.fromisoformat(r.json()["now"])


async def counted(
    http: httpx.AsyncClient, stack: RunningStack, seller: str, week: str, *, scored: bool,
    orders: int,
) -> None:  # fmt: skip
    """metrics-svc has the seller's audit of the week (if `scored`) and its overdue orders."""
    base = stack.url("metrics-svc")

    async def there() -> bool:
        card = await http.get(f"{base}/v1/sellers/{seller}/scorecard?week={week}", headers=QC)
        fines = await http.get(f"{base}/v1/penalties?seller_id={seller}&week={week}", headers=QC)
        overdue = sum(line["orders"] for line in fines.json()["items"][0]["lines"])
        has_score = card.json()["current"]["score"] is not None
        return has_score is scored and overdue == orders

    await eventually(there, timeout=60, what=f"{seller} counted in {week}")


async def notices(
    http: httpx.AsyncClient, stack: RunningStack, seller: str, kind: str
) -> list[dict[str, Any]]:
    headers = bearer("seller_admin", sub=f"boss-{seller}", seller_id=seller)
    r = await http.get(f"{stack.url('sms-svc')}/v1/notices", params={"kind": kind},
                       headers=headers)  # fmt: skip
    assert r.status_code == 200, r.text
    return r.json()["items"]  # type: ignore[no-any-return]


async def test_a_closed_week_warns_and_fines_the_seller_in_its_notices(
    running_stack: RunningStack, http: httpx.AsyncClient, bus: Bus, unique: str
) -> None:
    seller, other = f"zzzz-{unique}", f"zzzy-{unique}"  # last on equal scores: the Bottom-10
    first = week_of(await clock_now(http, running_stack))  # open: nothing closed it yet
    second = shift_week(first, 1)
    for message in week_events(seller, other, first, unique):
        await bus.publish(message)
    await counted(http, running_stack, seller, first, scored=True, orders=0)
    await counted(http, running_stack, seller, second, scored=True, orders=11)
    await counted(http, running_stack, other, second, scored=False, orders=9)
    passed = week_end(second) + timedelta(minutes=1) - await clock_now(http, running_stack)
    r = await http.post(f"{running_stack.url('timer-svc')}/admin/clock/advance",
                        json={"seconds": int(passed.total_seconds())}, headers=AGENT,
                        timeout=180)  # fmt: skip
    assert r.status_code == 200, r.text

    async def both() -> tuple[list[dict[str, Any]], list[dict[str, Any]]] | None:
        warned = await notices(http, running_stack, seller, "BOTTOM10_WARNING")
        fined = await notices(http, running_stack, seller, "FINED")
        return (warned, fined) if warned and fined else None

    found = await eventually(both, timeout=120, what="the warning and the fine")
    assert found is not None
    (warning,), (fine,) = found
    assert (warning["seller_id"], warning["facts"]["week"], warning["facts"]["streak"]) == (
        seller, second, "2"
    )  # fmt: skip
    assert datetime.fromisoformat(warning["due_at"]) == week_end(shift_week(second, 1))
    assert (fine["seller_id"], fine["facts"]["week"], fine["facts"]["amount"]) == (
        seller, second, "4000.00"
    )  # fmt: skip
    assert sorted(fine["order_ids"]) == sorted(
        [f"{unique}-p", *(f"{unique}-u{n}" for n in range(10))]
    )
    for kind in ("BOTTOM10_WARNING", "FINED"):
        assert await notices(http, running_stack, other, kind) == []
        query = {"kind": kind, "seller_id": other}
        agent = await http.get(f"{running_stack.url('sms-svc')}/v1/notices", params=query,
                               headers=AGENT)  # fmt: skip
        assert agent.json()["items"] == []
    others = bearer("seller_admin", sub=f"boss-{other}", seller_id=other)
    peek = await http.get(f"{running_stack.url('sms-svc')}/v1/notices",
                          params={"seller_id": seller}, headers=others)  # fmt: skip
    assert peek.status_code == 403
