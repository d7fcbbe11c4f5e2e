"""Operators' commands: `python -m metrics_svc reconcile 2026-12 [--seller-id s1]`.

Reconciles a month's statement (every seller, or one) against the events as stored, with the
settings of the service (`MONGO_URL`, ...); prints the report as JSON and exits 1 on any
difference, 2 on a malformed month.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from aftersales_shared.errors import Invalid
from aftersales_shared.persistence import Doc, VersionedCollection
from pymongo import AsyncMongoClient

from metrics_svc.adapters.ledger import MongoLedger
from metrics_svc.adapters.store import MetricsStore
from metrics_svc.config import Settings
from metrics_svc.handlers.ledger import Bookkeeper
from metrics_svc.handlers.statements import LedgerReader


async def reconcile(settings: Settings, month: str, seller_id: str | None) -> dict[str, object]:
    client: AsyncMongoClient[Doc] = AsyncMongoClient(settings.mongo_url)
    try:
        db = client[settings.mongo_db]
        store = MetricsStore(db, closed=VersionedCollection(db["closed_weeks"]))
        ledger = MongoLedger(db)
        return await LedgerReader(ledger, Bookkeeper(ledger, store)).reconcile(month, seller_id)
    finally:
        await client.close()


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m metrics_svc")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("reconcile", help="a month's statements against the events")
    check.add_argument("month", help="like 2026-12 (Asia/Shanghai)")
    check.add_argument("--seller-id", default=None)
    args = parser.parse_args(argv)
    try:
        report = asyncio.run(reconcile(Settings(), args.month, args.seller_id))
    except Invalid as exc:
        sys.stderr.write(f"{exc}\n")
        return 2
    sys.stdout.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return 0 if report["ok"] else 1
