"""Probe: the dev store's CPU per inserted document, by shape and number of indexes (issue 17).

Inserts N documents in batches of 1,000 (`insert_many`, `ordered=False`) into a fresh dev
store, once per variant: a fact as `adapters/store.py` writes it (one index), a ledger entry as
`adapters/ledger.py` writes it with its three indexes, then with two, one and none, without its
`b` field, and a batch that is all duplicates. Prints the store process's CPU (from /proc) per
document, and the wall time per document.

    uv run --group bench python bench/store_doc_cost.py [N]

2026-12-02 14:29 UTC, idle machine (load 0.02), N = 4,000 (CPU in steps of 2.5 us: 10 ms
ticks): fact 70 us; ledger entry with 3 indexes 85, 2 (no `o`) 77.5, 1 (`smw`) 70, none 57.5;
3 indexes without `b` 77.5; a rejected duplicate 57.5 (as much as an insert without indexes).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil
from aftersales_shared.devstack import Stack
from aftersales_testkit import free_port
from pymongo import ASCENDING, AsyncMongoClient
from pymongo.errors import BulkWriteError

BATCH = 1000
MS = 1_796_083_200_000
SOURCE = "0123456789abcdef0123456789abcdef"


def ledger_doc(i: int, seq: int, *, with_b: bool = True) -> dict[str, Any]:
    """An entry shaped as `adapters/ledger.py: entry_doc` makes it."""
    seller, order = f"b{i:06d}", f"b{i:06d}-a"
    mid = f"{order}:REFUND@v1"
    doc: dict[str, Any] = {
        "_id": mid,
        "k": "REFUND",
        "m": "2026-12",
        "o": order,
        "c": f"{MS + i:013d}|{mid}",
        "smw": f"{seller}|2026-12|{seq:013d}",
        "e": json.dumps(["REFUND", seller, order, 10000, "SELLER", "CUSTOMER", MS + i,
                         "2026-12", [], None, SOURCE], separators=(",", ":")),
    }  # fmt: skip
    if with_b:
        body = {"id": mid, "kind": "REFUND", "amount": "100.00", "payer": "SELLER",
                "payee": "CUSTOMER", "at": "2026-12-03T04:05:06.789000Z", "leg": None,
                "note": None}  # fmt: skip
        compact = (",", ":")
        body_json = json.dumps(body, separators=compact)
        doc["b"] = json.dumps([seller, order, "2026-12", SOURCE, body_json], separators=compact)
    return doc


def fact_doc(i: int) -> dict[str, Any]:
    """A fact shaped as `adapters/store.py: fact_doc` makes it."""
    return {"_id": f"audit:b{i:06d}-a", "k": "audit", "s": f"b{i:06d}", "w": "2026-W49",
            "ok": True, "o": f"b{i:06d}-a", "late": False, "q": i // BATCH}  # fmt: skip


async def measure(
    client: AsyncMongoClient[dict[str, Any]],
    name: str,
    docs: list[dict[str, Any]],
    indexes: list[str],
    store: psutil.Process,
) -> None:
    coll = client["cost"][name]
    await coll.update_one({"_id": "warm"}, {"$set": {"x": 1}}, upsert=True)
    for field in indexes:
        await coll.create_index([(field, ASCENDING)])
    before, began = store.cpu_times(), time.monotonic()
    for i in range(0, len(docs), BATCH):
        with contextlib.suppress(BulkWriteError):  # the duplicates variant
            await coll.insert_many(docs[i : i + BATCH], ordered=False)
    after = store.cpu_times()
    cpu = (after.user + after.system) - (before.user + before.system)
    wall = time.monotonic() - began
    print(f"{name:16} indexes={indexes!s:22} store CPU {cpu / len(docs) * 1e6:6.1f} us/doc, "
          f"wall {wall / len(docs) * 1e6:6.1f} us/doc", flush=True)  # fmt: skip


async def probe(url: str, pid: int, n: int) -> None:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(url)
    store = psutil.Process(pid)
    entries = [ledger_doc(i, i // BATCH) for i in range(n)]
    print(f"load average {psutil.getloadavg()}, {n:,} documents a variant", flush=True)
    await measure(client, "facts", [fact_doc(i) for i in range(n)], ["q"], store)
    await measure(client, "ledger3", entries, ["smw", "o", "c"], store)
    await measure(client, "ledger2_no_o", entries, ["smw", "c"], store)
    await measure(client, "ledger1_smw", entries, ["smw"], store)
    await measure(client, "ledger0", entries, [], store)
    no_b = [ledger_doc(i, i // BATCH, with_b=False) for i in range(n)]
    await measure(client, "ledger3_no_b", no_b, ["smw", "o", "c"], store)
    await measure(client, "ledger3", entries, [], store)  # again: every one a duplicate
    await client.close()


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    data = Path(tempfile.mkdtemp(prefix="store-cost-"))
    stack = Stack()
    try:
        url = stack.start_dev_store(port=free_port(), data_dir=data / "store")
        asyncio.run(probe(url, stack.processes[0].popen.pid, n))
    finally:
        stack.stop()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
