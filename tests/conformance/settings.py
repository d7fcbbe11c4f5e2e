"""How schemathesis runs here: bounded, reproducible, every check, seeded ids and cursors."""

from __future__ import annotations

import base64
import itertools
from typing import Any

import schemathesis
from aftersales_shared.api_description import IDEMPOTENCY_KEY_MAX
from schemathesis.core.parameters import ParameterLocation

from tests.conformance.seed import ORDER_NO, SELLER, STAFF

MAX_EXAMPLES = 10
RESPONSE_TIME_LIMIT_S = 30.0


def _b64(raw: str, *, padded: bool) -> str:
    encoded = base64.urlsafe_b64encode(raw.encode()).decode()
    return encoded if padded else encoded.rstrip("=")


# A cursor is opaque: only one the API handed out is valid, which no schema can describe, so
# the run pins it to such a one (the position before everything) instead of fuzzing it.
CURSORS = {
    "/v1/cases": _b64("0:", padded=False),
    "/v1/messages": _b64("0|", padded=True),
    "/v1/notices": _b64("0|", padded=True),
    "/v1/webhooks/{seller_id}/deliveries": _b64("0|", padded=True),
}

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
            "with-security-parameters": False,
        },
        # Every check, and a response time that only a hung request exceeds on a loaded machine.
        "checks": {"enabled": True, "max_response_time": RESPONSE_TIME_LIMIT_S},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}},
        "parameters": {
            "path.seller_id": SELLER,
            "path.staff_id": STAFF,
            "query.seller_id": SELLER,
            "query.order_no": ORDER_NO,
        },
        "operations": [
            {"include-path": path, "parameters": {"query.cursor": cursor}}
            for path, cursor in CURSORS.items()
        ],
    }
)

_keys = itertools.count()


def fresh_idempotency_key(case: Any) -> None:
    """Give a valid generated Idempotency-Key a value no earlier case used.

    Generated keys repeat ("0") with other bodies, which the contract answers 422; an invalid
    key (empty, too long) is left as generated, so what the case tests does not change.
    """
    headers = case.headers or {}
    key = headers.get("Idempotency-Key")
    if key is not None and 1 <= len(key) <= IDEMPOTENCY_KEY_MAX:
        headers["Idempotency-Key"] = f"conformance-{next(_keys)}"


# An application names a registered seller. Which sellers exist no schema can say, and the
# server's 422 for an unregistered one is documented; positive_data_acceptance would still count
# it as valid data refused, so a valid generated seller is pointed at the seeded one, as ids in
# paths are, and the check stays on for every other field of the body.
BODY_REFERENCES = {("POST", "/v1/service-orders"): {"seller_id": SELLER}}


def point_at_seeded_seller(case: Any) -> None:
    """Send a valid application to the seeded seller, so it is judged on everything else."""
    references = BODY_REFERENCES.get((case.method.upper(), case.path))
    if references is None or not isinstance(case.body, dict) or case.meta is None:
        return
    if not case.meta.is_negative_at(ParameterLocation.BODY):
        case.body.update({k: v for k, v in references.items() if k in case.body})


def pin_cursor(case: Any) -> None:
    """The cursor pin of CURSORS, for the stateful runs (they do not apply the config's)."""
    cursor = CURSORS.get(case.path)
    if cursor is not None and case.query and "cursor" in case.query:
        case.query["cursor"] = cursor


def point_at_seeded_order(case: Any, order_id: str) -> None:
    """Send a valid generated service-order id to the seeded order, so commands reach one."""
    params = case.path_parameters
    if not params or "order_id" not in params or case.meta is None:
        return
    if not case.meta.is_negative_at(ParameterLocation.PATH):
        params["order_id"] = order_id
