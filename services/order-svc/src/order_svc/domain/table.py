"""The state machine as data: (state, command) -> next state, and who may issue each command."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from aftersales_shared.errors import AppError, InvalidTransition, Locked, NotFound, NotPermitted

from order_svc.domain.actors import Actor
from order_svc.domain.model import REOPENABLE, ActorKind, Cmd, Permission
from order_svc.domain.model import Status as S
from order_svc.domain.order import ServiceOrder

BEFORE_DONE = (
    S.PENDING_CLAIM,
    S.PENDING_AUDIT,
    S.AWAITING_FEEDBACK,
    S.AWAITING_RETURN,
    S.PENDING_PROCESS,
)
BEFORE_RETURN = (S.PENDING_CLAIM, S.PENDING_AUDIT, S.AWAITING_FEEDBACK)
AFTER_DONE = (S.PROVISIONALLY_DONE, S.UNRESOLVED, S.COMPLETED)
ARBITRABLE = (S.AWAITING_RETURN, S.PENDING_PROCESS, S.UNRESOLVED)

_ROWS: tuple[tuple[Cmd, tuple[S, ...], S | None], ...] = (
    # command, from states, to state (None: stays where it is)
    (Cmd.ASSIGN, (S.PENDING_CLAIM,), S.PENDING_AUDIT),
    (Cmd.CLAIM, (S.PENDING_CLAIM,), S.PENDING_AUDIT),
    (Cmd.AUDIT_RESHIP, (S.PENDING_AUDIT,), S.PROVISIONALLY_DONE),
    (Cmd.AUDIT_APPROVE_RETURN, (S.PENDING_AUDIT,), S.AWAITING_RETURN),
    (Cmd.AUDIT_REQUEST_FEEDBACK, (S.PENDING_AUDIT,), S.AWAITING_FEEDBACK),
    (Cmd.AUDIT_REJECT, (S.PENDING_AUDIT,), S.REJECTED),
    (Cmd.AUDIT_CUSTOMER_ABANDON, (S.PENDING_AUDIT,), S.CANCELLED),
    (Cmd.FEEDBACK, (S.AWAITING_FEEDBACK,), S.PENDING_AUDIT),
    (Cmd.RECORD_SHIPMENT, (S.AWAITING_RETURN,), None),
    (Cmd.REMIND_SHIP, (S.AWAITING_RETURN,), None),
    (Cmd.REGISTER_RECEIPT, (S.AWAITING_RETURN,), S.PENDING_PROCESS),
    (Cmd.SET_RETURN_FREIGHT, (S.PENDING_PROCESS,), None),
    (Cmd.PROCESS_REFUND, (S.PENDING_PROCESS,), S.PROVISIONALLY_DONE),
    (Cmd.PROCESS_EXCHANGE, (S.PENDING_PROCESS,), S.PROVISIONALLY_DONE),
    (Cmd.PROCESS_RETURN_ORIGINAL, (S.PENDING_PROCESS,), S.PROVISIONALLY_DONE),
    (Cmd.PROCESS_OFFLINE_EXCHANGE, (S.PENDING_PROCESS,), S.PROVISIONALLY_DONE),
    (Cmd.REOPEN, (S.PROVISIONALLY_DONE,), S.PENDING_PROCESS),
    (Cmd.LEAVE_MESSAGE, (S.PROVISIONALLY_DONE, S.UNRESOLVED), S.UNRESOLVED),
    (Cmd.REPLY, (S.UNRESOLVED,), None),
    (Cmd.OFFLINE_EXCHANGE_UNRESOLVED, (S.UNRESOLVED,), S.COMPLETED),
    (Cmd.MARK_RESOLVED, (S.UNRESOLVED,), S.COMPLETED),
    (Cmd.CONFIRM_RESOLVED, (S.PROVISIONALLY_DONE, S.UNRESOLVED), S.COMPLETED),
    (Cmd.ABANDON, BEFORE_DONE, S.CANCELLED),
    (Cmd.REQUEST_ARBITRATION, ARBITRABLE, None),
    (Cmd.APPLY_RULING, ARBITRABLE, S.COMPLETED),
    (Cmd.RATE, AFTER_DONE, None),
    (Cmd.EXCHANGE_SHIPPED, AFTER_DONE, None),
    (Cmd.AUTO_REFUND, (S.AWAITING_RETURN,), S.PROVISIONALLY_DONE),
    (Cmd.FEEDBACK_TIMEOUT, (S.AWAITING_FEEDBACK,), S.CLOSED),
    (Cmd.PRE_COMPENSATE, (S.PENDING_CLAIM, S.PENDING_AUDIT), S.PROVISIONALLY_DONE),
    (Cmd.AUDIT_OVERDUE, (S.PENDING_CLAIM, S.PENDING_AUDIT), None),
    (Cmd.PROCESS_OVERDUE, (S.PENDING_PROCESS,), None),
    (Cmd.AUTO_SHIP_REMINDER, (S.AWAITING_RETURN,), None),
    (Cmd.RETURN_WARNING, (S.AWAITING_RETURN,), None),
)

TRANSITIONS: dict[tuple[S, Cmd], S] = {
    (state, cmd): to or state for cmd, froms, to in _ROWS for state in froms
}


@dataclass(frozen=True)
class Rule:
    """Who may issue a command; sub-accounts also need its permission and (if set) ownership."""

    kinds: frozenset[ActorKind]
    permission: Permission | None = None
    owner_only: bool = False
    main_only: bool = False
    while_locked: bool = False
    permission_by_state: Mapping[S, Permission] = field(default_factory=dict)
    """For a command whose permission depends on the state it is issued in (ABANDON)."""

    def permission_in(self, state: S) -> Permission | None:
        """The permission a sub-account needs to issue the command in `state`."""
        return self.permission_by_state.get(state, self.permission)


_C, _SL, _P, _SY = ActorKind.CUSTOMER, ActorKind.SELLER, ActorKind.PLATFORM, ActorKind.SYSTEM
_AUDIT = Rule(frozenset({_SL}), Permission.AUDIT, owner_only=True)
_PROC = Rule(frozenset({_SL}), Permission.PROCESS)
_CUST = Rule(frozenset({_C}))
_SYS = Rule(frozenset({_SY}))

WHO: dict[Cmd, Rule] = {
    Cmd.ASSIGN: Rule(frozenset({_SL}), main_only=True),
    Cmd.CLAIM: Rule(frozenset({_SL}), Permission.AUDIT),
    Cmd.AUDIT_RESHIP: _AUDIT,
    Cmd.AUDIT_APPROVE_RETURN: _AUDIT,
    Cmd.AUDIT_REQUEST_FEEDBACK: _AUDIT,
    Cmd.AUDIT_REJECT: _AUDIT,
    Cmd.AUDIT_CUSTOMER_ABANDON: _AUDIT,
    Cmd.FEEDBACK: _CUST,
    Cmd.RECORD_SHIPMENT: Rule(frozenset({_C, _SL}), Permission.PROCESS),
    Cmd.REMIND_SHIP: _PROC,
    Cmd.REGISTER_RECEIPT: Rule(frozenset({_SL}), Permission.PROCESS, while_locked=True),
    Cmd.SET_RETURN_FREIGHT: _PROC,
    Cmd.PROCESS_REFUND: _PROC,
    Cmd.PROCESS_EXCHANGE: _PROC,
    Cmd.PROCESS_RETURN_ORIGINAL: _PROC,
    Cmd.PROCESS_OFFLINE_EXCHANGE: _PROC,
    Cmd.REOPEN: _PROC,
    Cmd.LEAVE_MESSAGE: _CUST,
    Cmd.REPLY: _PROC,
    Cmd.OFFLINE_EXCHANGE_UNRESOLVED: _PROC,
    Cmd.MARK_RESOLVED: _PROC,
    Cmd.CONFIRM_RESOLVED: _CUST,
    Cmd.ABANDON: Rule(
        frozenset({_C, _SL}),
        permission_by_state={
            **dict.fromkeys(BEFORE_RETURN, Permission.AUDIT),
            **dict.fromkeys((S.AWAITING_RETURN, S.PENDING_PROCESS), Permission.PROCESS),
        },
    ),
    Cmd.REQUEST_ARBITRATION: _PROC,
    Cmd.APPLY_RULING: Rule(frozenset({_P, _SY}), while_locked=True),
    Cmd.RATE: _CUST,
    Cmd.EXCHANGE_SHIPPED: Rule(frozenset({_P, _SY}), while_locked=True),
    Cmd.AUTO_REFUND: _SYS,
    Cmd.FEEDBACK_TIMEOUT: _SYS,
    Cmd.PRE_COMPENSATE: _SYS,
    Cmd.AUDIT_OVERDUE: _SYS,
    Cmd.PROCESS_OVERDUE: _SYS,
    Cmd.AUTO_SHIP_REMINDER: _SYS,
    Cmd.RETURN_WARNING: _SYS,
}

EVENT_OF: dict[Cmd, str | None] = {
    Cmd.ASSIGN: "assigned",
    Cmd.CLAIM: "claimed",
    **{c: "audited" for c in Cmd if c.value.startswith("AUDIT_") and c is not Cmd.AUDIT_OVERDUE},
    Cmd.FEEDBACK: "feedback_received",
    Cmd.RECORD_SHIPMENT: "shipment_recorded",
    Cmd.REMIND_SHIP: "ship_reminder_requested",
    Cmd.REGISTER_RECEIPT: "received",
    Cmd.SET_RETURN_FREIGHT: "return_freight_set",
    **{c: "processed" for c in Cmd if c.value.startswith("PROCESS_") and "OVERDUE" not in c},
    Cmd.REOPEN: "reopened",
    Cmd.LEAVE_MESSAGE: "message_left",
    Cmd.REPLY: "replied",
    Cmd.OFFLINE_EXCHANGE_UNRESOLVED: "resolved",
    Cmd.MARK_RESOLVED: "resolved",
    Cmd.CONFIRM_RESOLVED: "resolved",
    Cmd.ABANDON: "cancelled",
    Cmd.REQUEST_ARBITRATION: "locked",
    Cmd.APPLY_RULING: "ruling_applied",
    Cmd.RATE: "rated",
    Cmd.EXCHANGE_SHIPPED: "exchange_shipped",
    Cmd.AUTO_REFUND: "auto_refunded",
    Cmd.FEEDBACK_TIMEOUT: "closed",
    Cmd.PRE_COMPENSATE: "pre_compensated",
    Cmd.AUDIT_OVERDUE: "audit_overdue",
    Cmd.PROCESS_OVERDUE: "process_overdue",
    Cmd.AUTO_SHIP_REMINDER: "ship_reminder_requested",
    Cmd.RETURN_WARNING: None,
}
"""The event each command records; RETURN_WARNING only texts the seller (no event type for it)."""


UNDER_ARBITRATION = (
    "the order is under arbitration (京东介入); it can only be viewed until the platform rules"
)
ALREADY_SHIPPED = "the customer has already shipped the goods back"


def _not_yet(order: ServiceOrder, cmd: Cmd) -> str | None:
    """What the order itself (beyond its state) forbids: the reason, or None."""
    if cmd in (Cmd.REMIND_SHIP, Cmd.AUTO_SHIP_REMINDER) and order.shipment is not None:
        return ALREADY_SHIPPED
    if cmd is Cmd.REOPEN and order.outcome not in REOPENABLE:
        return "only RETURN_ORIGINAL or OFFLINE_EXCHANGE outcomes can be reopened"
    if cmd is Cmd.RATE and order.rating is not None:
        return "this order has already been rated"
    if cmd is Cmd.APPLY_RULING and not order.locked:
        return "no arbitration case is open on this order"
    return None


def visible_to(order: ServiceOrder, actor: Actor) -> bool:
    """Tenancy: customers see their own orders, sellers their own (staff: their categories)."""
    if actor.kind is ActorKind.CUSTOMER:
        return order.customer_id == actor.id
    if actor.kind is ActorKind.SELLER:
        return order.seller_id == actor.seller_id and actor.sees_category(order.category)
    return True


def refusal(order: ServiceOrder, cmd: Cmd, actor: Actor) -> AppError | None:
    """Why `actor` may not issue `cmd` now (tenancy, role, permission, lock, state), or None."""
    if not visible_to(order, actor):
        return NotFound(f"service order {order.id} not found")
    rule = WHO[cmd]
    name = cmd.value.lower()
    if actor.kind not in rule.kinds:
        return NotPermitted(f"a {actor.role} may not {name}")
    if actor.kind is ActorKind.SELLER:
        if rule.main_only and not actor.main_account:
            return NotPermitted(f"only the seller's main account may {name}")
        needed = rule.permission_in(order.status)
        if needed is not None and needed not in actor.permissions:
            return NotPermitted(f"{name} needs the {needed} permission in {order.status}")
        if rule.owner_only and not actor.main_account and order.assignee != actor.id:
            return NotPermitted("only the staff member who claimed this order may audit it")
    if order.locked and not rule.while_locked:
        return Locked(UNDER_ARBITRATION)
    if (order.status, cmd) not in TRANSITIONS:
        return InvalidTransition(
            f"{name} is not allowed in {order.status}",
            status=order.status.value,
            allowed_in=sorted(s.value for (s, c) in TRANSITIONS if c is cmd),
        )
    reason = _not_yet(order, cmd)
    return None if reason is None else InvalidTransition(reason)


CALLER_COMMANDS = tuple(c for c in Cmd if WHO[c].kinds & {_C, _SL})
"""The commands a customer or a seller account issues over the API (the rest: platform, timers)."""


def allowed_actions(order: ServiceOrder, actor: Actor) -> list[str]:
    """The commands this caller may issue on this order now (what `refusal` lets through).

    Those with no transition from the order's state are refused whatever else holds: left out
    before `refusal` builds its error for them (every view of every write lists these)."""
    return [
        c.value
        for c in CALLER_COMMANDS
        if (order.status, c) in TRANSITIONS and refusal(order, c, actor) is None
    ]
