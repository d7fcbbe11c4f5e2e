"""The callers of the conformance run (one token per role) and the data they find."""

from __future__ import annotations

import httpx
from aftersales_shared.auth import Role
from aftersales_testkit import bearer
from aftersales_testkit.order_facts import order_facts_for

SELLER = "conf-seller"
STAFF = "conf-staff"
CUSTOMER = "conf-customer"
ORDER_NO = "conf-N1"

SUBJECTS: dict[Role, dict[str, str]] = {
    Role.CUSTOMER: {"sub": CUSTOMER},
    Role.SELLER_ADMIN: {"sub": "conf-admin", "seller_id": SELLER},
    Role.SELLER_STAFF: {"sub": STAFF, "seller_id": SELLER},
    Role.PLATFORM_AGENT: {"sub": "conf-agent"},
    Role.QC_ANALYST: {"sub": "conf-analyst"},
}


def headers_of(role: Role) -> dict[str, str]:
    """The Authorization header of `role`'s caller."""
    return bearer(role, **SUBJECTS[role])


def seed(order_svc: str) -> str:
    """A seller, a staff member with every permission and one service order; its id."""
    with httpx.Client(base_url=order_svc, timeout=30) as client:
        seller = {
            "seller_id": SELLER,
            "name": "Conformance",
            "cooperation_mode": "SOPL",
            "aftersales_contact_phone": "13900000000",
        }
        response = client.post("/v1/sellers", json=seller, headers=headers_of(Role.PLATFORM_AGENT))
        assert response.status_code == 201, response.text
        staff = {"staff_id": STAFF, "name": "Staff", "permissions": ["AUDIT", "PROCESS"]}
        response = client.post(
            f"/v1/sellers/{SELLER}/staff", json=staff, headers=headers_of(Role.SELLER_ADMIN)
        )
        assert response.status_code == 201, response.text
        application = {
            "order_no": ORDER_NO,
            "seller_id": SELLER,
            "sku": "SKU-1",
            "quantity": 1,
            "paid_amount": "10.50",
            "category": "c",
            "reason": "r",
            "description": "d",
            "quality_issue": True,
            "customer_tier": "GOLD",
            "customer_phone": "13800138000",
        }
        facts = order_facts_for(application, CUSTOMER)
        response = client.post("/v1/orders", json=facts, headers=headers_of(Role.PLATFORM_AGENT))
        assert response.status_code == 201, response.text
        response = client.post(
            "/v1/service-orders", json=application, headers=headers_of(Role.CUSTOMER)
        )
        assert response.status_code == 201, response.text
        order_id: str = response.json()["id"]
        return order_id
