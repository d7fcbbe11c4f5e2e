"""The vocabulary of the service order: states, commands, results, roles, tiers."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    PENDING_CLAIM = "PENDING_CLAIM"
    PENDING_AUDIT = "PENDING_AUDIT"
    AWAITING_FEEDBACK = "AWAITING_FEEDBACK"
    AWAITING_RETURN = "AWAITING_RETURN"
    PENDING_PROCESS = "PENDING_PROCESS"
    PROVISIONALLY_DONE = "PROVISIONALLY_DONE"
    UNRESOLVED = "UNRESOLVED"
    COMPLETED = "COMPLETED"
    REJECTED = "REJECTED"
    CANCELLED = "CANCELLED"
    CLOSED = "CLOSED"


FINAL = frozenset({Status.COMPLETED, Status.REJECTED, Status.CANCELLED, Status.CLOSED})


class Cmd(StrEnum):
    """Every command that can act on an existing order (apply creates one)."""

    ASSIGN = "ASSIGN"
    CLAIM = "CLAIM"
    AUDIT_RESHIP = "AUDIT_RESHIP"
    AUDIT_APPROVE_RETURN = "AUDIT_APPROVE_RETURN"
    AUDIT_REQUEST_FEEDBACK = "AUDIT_REQUEST_FEEDBACK"
    AUDIT_REJECT = "AUDIT_REJECT"
    AUDIT_CUSTOMER_ABANDON = "AUDIT_CUSTOMER_ABANDON"
    FEEDBACK = "FEEDBACK"
    RECORD_SHIPMENT = "RECORD_SHIPMENT"
    REMIND_SHIP = "REMIND_SHIP"
    REGISTER_RECEIPT = "REGISTER_RECEIPT"
    SET_RETURN_FREIGHT = "SET_RETURN_FREIGHT"
    PROCESS_REFUND = "PROCESS_REFUND"
    PROCESS_EXCHANGE = "PROCESS_EXCHANGE"
    PROCESS_RETURN_ORIGINAL = "PROCESS_RETURN_ORIGINAL"
    PROCESS_OFFLINE_EXCHANGE = "PROCESS_OFFLINE_EXCHANGE"
    REOPEN = "REOPEN"
    LEAVE_MESSAGE = "LEAVE_MESSAGE"
    REPLY = "REPLY"
    OFFLINE_EXCHANGE_UNRESOLVED = "OFFLINE_EXCHANGE_UNRESOLVED"
    MARK_RESOLVED = "MARK_RESOLVED"
    CONFIRM_RESOLVED = "CONFIRM_RESOLVED"
    ABANDON = "ABANDON"
    REQUEST_ARBITRATION = "REQUEST_ARBITRATION"
    APPLY_RULING = "APPLY_RULING"
    RATE = "RATE"
    EXCHANGE_SHIPPED = "EXCHANGE_SHIPPED"
    AUTO_REFUND = "AUTO_REFUND"
    FEEDBACK_TIMEOUT = "FEEDBACK_TIMEOUT"
    PRE_COMPENSATE = "PRE_COMPENSATE"
    AUDIT_OVERDUE = "AUDIT_OVERDUE"
    PROCESS_OVERDUE = "PROCESS_OVERDUE"


class AuditResult(StrEnum):
    RESHIP = "RESHIP"
    APPROVE_RETURN = "APPROVE_RETURN"
    REQUEST_FEEDBACK = "REQUEST_FEEDBACK"
    REJECT = "REJECT"
    CUSTOMER_ABANDON = "CUSTOMER_ABANDON"


AUDIT_COMMANDS: dict[AuditResult, Cmd] = {r: Cmd(f"AUDIT_{r.value}") for r in AuditResult}
BATCH_AUDIT_RESULTS = frozenset({AuditResult.REJECT, AuditResult.CUSTOMER_ABANDON})


class Outcome(StrEnum):
    """How an order ended up being settled (processing, system or ruling)."""

    RESHIP = "RESHIP"
    REFUND = "REFUND"
    EXCHANGE = "EXCHANGE"
    RETURN_ORIGINAL = "RETURN_ORIGINAL"
    OFFLINE_EXCHANGE = "OFFLINE_EXCHANGE"
    AUTO_REFUND = "AUTO_REFUND"
    PRE_COMPENSATION = "PRE_COMPENSATION"
    CLAIM_REJECTED = "CLAIM_REJECTED"


PROCESS_COMMANDS: dict[Outcome, Cmd] = {
    o: Cmd(f"PROCESS_{o.value}")
    for o in (Outcome.REFUND, Outcome.EXCHANGE, Outcome.RETURN_ORIGINAL, Outcome.OFFLINE_EXCHANGE)
}
REOPENABLE = frozenset({Outcome.RETURN_ORIGINAL, Outcome.OFFLINE_EXCHANGE})


class Rating(StrEnum):
    VERY_SATISFIED = "VERY_SATISFIED"
    SATISFIED = "SATISFIED"
    NEUTRAL = "NEUTRAL"
    DISSATISFIED = "DISSATISFIED"
    VERY_DISSATISFIED = "VERY_DISSATISFIED"


class Permission(StrEnum):
    AUDIT = "AUDIT"
    PROCESS = "PROCESS"


class CooperationMode(StrEnum):
    SOP = "SOP"
    SOPL = "SOPL"


class Tier(StrEnum):
    """Customer tiers, lowest first [decision: the seed names only 钻石 (DIAMOND) and above]."""

    REGULAR = "REGULAR"
    BRONZE = "BRONZE"
    SILVER = "SILVER"
    GOLD = "GOLD"
    DIAMOND = "DIAMOND"
    PLUS = "PLUS"


TIER_ORDER = tuple(Tier)


def is_diamond_plus(tier: Tier) -> bool:
    """DIAMOND or above (钻石及以上) changes who pays the return freight."""
    return TIER_ORDER.index(tier) >= TIER_ORDER.index(Tier.DIAMOND)


class ActorKind(StrEnum):
    CUSTOMER = "customer"
    SELLER = "seller"
    PLATFORM = "platform"
    SYSTEM = "system"


class Payer(StrEnum):
    SELLER = "SELLER"
    CUSTOMER = "CUSTOMER"
    PLATFORM = "PLATFORM"
