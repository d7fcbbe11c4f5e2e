"""order-svc's HTTP API: sellers and staff, service orders, their commands."""

from __future__ import annotations

from fastapi import APIRouter

from order_svc.entrypoints import (
    api_audit,
    api_commands,
    api_history,
    api_order_facts,
    api_orders,
    api_sellers,
)


def routers() -> list[APIRouter]:
    """Every router; the batch paths come before the `{order_id}` ones."""
    return [
        api_sellers.router,
        api_order_facts.router,
        api_audit.router,
        api_orders.router,
        api_history.router,
        api_commands.router,
    ]
