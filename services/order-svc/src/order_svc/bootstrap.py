"""Builds order-svc from the runtime: the one place where wiring happens."""

from __future__ import annotations

from aftersales_shared.service import Runtime, ServiceDefinition

from order_svc import __doc__ as description
from order_svc.adapters.mongo import MongoAttachments, MongoOrders, MongoSellers
from order_svc.adapters.order_facts import MongoOrderFacts
from order_svc.config import Settings
from order_svc.entrypoints import dev_signin, workbench
from order_svc.entrypoints.api import routers
from order_svc.entrypoints.consumer import message_router
from order_svc.entrypoints.deps import OrderContainer
from order_svc.handlers import OrderService, SellerService, SystemService
from order_svc.handlers.order_facts import OrderFactsService


async def bootstrap(runtime: Runtime[Settings]) -> OrderContainer:
    """Create indexes, build the use cases, and hand the frame this service's message handler."""
    settings = runtime.settings
    orders = MongoOrders(
        runtime.versioned("service_orders", cache_size=settings.order_cache_size),
        keep=settings.order_history_tail,
    )
    await orders.ensure_indexes()
    sellers = MongoSellers(runtime.versioned("sellers", cache_size=1_000))
    warnings = runtime.settings.warning_offsets()
    order_facts = MongoOrderFacts(runtime.db["order_facts"], runtime.db["service_orders"])
    service = OrderService(
        orders=orders,
        sellers=sellers,
        attachments=MongoAttachments(runtime.db["attachments"]),
        clock=runtime.clock,
        warnings=warnings,
        tail=settings.order_history_tail,
        message_cap=settings.customer_messages_per_day,
        facts=order_facts,
    )
    system = SystemService(orders=orders, sellers=sellers, clock=runtime.clock, warnings=warnings)
    facts = OrderFactsService(facts=order_facts, clock=runtime.clock)
    return OrderContainer(
        orders=service,
        sellers=SellerService(sellers=sellers, clock=runtime.clock),
        facts=facts,
        handler=message_router(system, facts),
        stop=orders.close,
    )


def definition() -> ServiceDefinition[Settings, OrderContainer]:
    return ServiceDefinition(
        name="order-svc",
        title="order-svc: service orders",
        description=description or "",
        routers=[*routers(), workbench.router],
        bootstrap=bootstrap,
        dev_routers=[dev_signin.router],
    )
