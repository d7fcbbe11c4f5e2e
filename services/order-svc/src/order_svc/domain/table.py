"""The state machine as data: (state, command) -> next state, and who may issue each command."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from order_svc.domain.model import ActorKind, Cmd, Permission
from order_svc.domain.model import Status as S

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
