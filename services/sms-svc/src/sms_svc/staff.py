"""Sub-accounts' scopes: kept from `seller.staff_changed`, asked when a caller reads the log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import structlog
from aftersales_shared.auth import Principal, Role
from aftersales_shared.contracts import Envelope
from aftersales_shared.contracts.messages import StaffChanged
from aftersales_shared.errors import NotPermitted, PermanentMessageError
from pydantic import ValidationError

from sms_svc.domain.scope import EVERYTHING, Scope, StaffScope, seller_scope, staff_scope

log = structlog.get_logger(__name__)


class StaffScopeStore(Protocol):
    """The kept scopes (adapter: `adapters.staff_scopes.StaffScopes`)."""

    async def get(self, seller_id: str, staff_id: str) -> StaffScope | None: ...

    async def keep(self, scope: StaffScope) -> bool:
        """Store unless the same or a newer version is stored; whether it was stored."""
        ...


@dataclass
class StaffDirectory:
    scopes: StaffScopeStore

    async def on_staff_changed(self, message: Envelope) -> None:
        """Keep a sub-account's new categories; an older or repeated version changes nothing."""
        try:
            change = StaffChanged.model_validate(message.payload)
        except ValidationError as exc:
            raise PermanentMessageError(f"invalid seller.staff_changed: {exc}") from exc
        scope = StaffScope(
            seller_id=change.seller_id,
            staff_id=change.staff_id,
            categories=frozenset(change.categories),
            removed=change.removed,
            version=change.version,
        )
        kept = await self.scopes.keep(scope)
        log.info(
            "staff scope" + (" kept" if kept else " older than the one kept: dropped"),
            seller_id=change.seller_id,
            staff_id=change.staff_id,
            version=change.version,
            removed=change.removed,
        )

    async def scope_of(self, principal: Principal) -> Scope:
        """What `principal` may read of the log; 403 for roles that read none of it."""
        if principal.role == Role.PLATFORM_AGENT:
            return EVERYTHING
        if principal.role == Role.SELLER_ADMIN:
            return seller_scope(principal.seller_id)
        if principal.role == Role.SELLER_STAFF:
            known = None
            if principal.seller_id is not None:
                known = await self.scopes.get(principal.seller_id, principal.sub)
            return staff_scope(principal.seller_id, known)
        raise NotPermitted("the SMS delivery log is for the platform and sellers")
