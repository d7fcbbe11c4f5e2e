"""Sub-accounts' scopes: kept from `seller.staff_changed`, asked when a caller reads the log."""

from __future__ import annotations

from dataclasses import dataclass

import structlog
from aftersales_shared.auth import Principal, Role
from aftersales_shared.contracts.messages import StaffChanged
from aftersales_shared.errors import NotPermitted

from sms_svc.domain.scope import EVERYTHING, Scope, StaffScope, seller_scope, staff_scope
from sms_svc.ports import StaffScopeStore

log = structlog.get_logger(__name__)


@dataclass
class StaffDirectory:
    scopes: StaffScopeStore

    async def staff_changed(self, change: StaffChanged) -> None:
        """Keep a sub-account's new categories; an older or repeated version changes nothing."""
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
