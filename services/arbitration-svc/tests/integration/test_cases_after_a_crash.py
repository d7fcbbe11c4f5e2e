"""Idempotency-Key retries after a crash that left the slot running: the change is not repeated."""

from __future__ import annotations

import time
from typing import Any

import pytest
from aftersales_testkit import eventually

from .harness import AGENT, Harness, open_case

pytestmark = pytest.mark.integration


async def crash_after_the_change(arb: Harness) -> None:
    """Leave the latest slot as a SIGKILL after the write leaves it: running, its lease over."""
    slots = arb.db["idempotency"]
    latest = await slots.find({}).sort("at", -1).limit(1).to_list()
    result = await slots.update_one(
        {"_id": {"$eq": latest[0]["_id"]}, "state": {"$eq": "done"}},
        {"$set": {"state": "running", "lease_ms": int(time.time() * 1000) - 1}},
    )
    assert result.modified_count == 1


async def test_a_note_and_a_ruling_retried_after_a_crash_are_made_once(
    arb: Harness, unique: str
) -> None:
    case = await open_case(arb, f"o-{unique}")
    url = f"/v1/cases/{case['id']}"
    assert (await arb.http.post(f"{url}/take", headers=AGENT)).status_code == 200
    headers = {**AGENT, "Idempotency-Key": f"note-{unique}"}
    first = await arb.http.post(f"{url}/notes", json={"text": "seen"}, headers=headers)
    assert first.status_code == 201, first.text
    await crash_after_the_change(arb)
    again = await arb.http.post(f"{url}/notes", json={"text": "seen"}, headers=headers)
    assert again.status_code == 201, again.text
    assert [n["text"] for n in again.json()["notes"]] == ["seen"], "one note, not two"

    ruling: dict[str, Any] = {"outcome": "REFUND", "amount": "50.00", "note": "photos"}
    headers = {**AGENT, "Idempotency-Key": f"rule-{unique}"}
    ruled = await arb.http.post(f"{url}/ruling", json=ruling, headers=headers)
    assert ruled.status_code == 200, ruled.text
    await crash_after_the_change(arb)
    retried = await arb.http.post(f"{url}/ruling", json=ruling, headers=headers)
    assert retried.status_code == 200, retried.text
    fields = ("outcome", "amount", "note", "ruled_by")
    assert [retried.json()["ruling"][f] for f in fields] == [
        ruled.json()["ruling"][f] for f in fields
    ]
    messages = await eventually(arb.ruled_messages, what="arbitration.ruled")
    assert len(messages) == 1
