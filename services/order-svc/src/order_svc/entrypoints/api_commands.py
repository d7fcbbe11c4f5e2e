"""The single-order commands: each path maps the caller and body to one domain command."""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from aftersales_shared.ids import Id
from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse

from order_svc.domain import commands as c
from order_svc.domain.actors import Actor
from order_svc.domain.model import PROCESS_COMMANDS, ActorKind, Cmd
from order_svc.entrypoints.deps import OrdersDep, Write, WriteDep
from order_svc.entrypoints.views import order_view
from order_svc.handlers import OrderService

router = APIRouter(prefix="/v1/service-orders", tags=["service order commands"])
Picker = Callable[[Actor, Any], tuple[Cmd, c.Payload | None]]


def _process(_: Actor, body: c.Process) -> tuple[Cmd, c.Payload | None]:
    return PROCESS_COMMANDS[body.outcome], body


def _message(actor: Actor, body: c.Message) -> tuple[Cmd, c.Payload | None]:
    return (Cmd.LEAVE_MESSAGE if actor.kind is ActorKind.CUSTOMER else Cmd.REPLY), body


def _resolve(actor: Actor, body: c.Resolve | None) -> tuple[Cmd, c.Payload | None]:
    body = body or c.Resolve()
    if actor.kind is ActorKind.CUSTOMER:
        return Cmd.CONFIRM_RESOLVED, body
    return (Cmd.OFFLINE_EXCHANGE_UNRESOLVED if body.offline_exchange else Cmd.MARK_RESOLVED), body


def fixed(cmd: Cmd) -> Picker:
    """A command that does not depend on who calls."""
    return lambda _actor, body: (cmd, body)


def command_route(
    path: str,
    body_type: Any,
    pick: Picker,
    summary: str,
    *,
    method: str = "POST",
    optional: bool = False,
) -> None:
    """Register one path: authenticate, idempotency, run the command, answer with the order."""

    async def run(order_id: str, body: Any, orders: OrderService, write: Write) -> JSONResponse:
        async def action(request_id: str | None) -> tuple[int, Any]:
            order, actor = await orders.command(
                write.principal,
                order_id,
                lambda actor: pick(actor, body),
                correlation_id=write.correlation_id,
                request=request_id,
            )
            return 200, order_view(order, actor)

        return await write.once(body, action)

    endpoint = _endpoint(run, body_type, optional=optional)
    # named as before: the OpenAPI operation ids are made from it
    router.add_api_route(
        f"/{{order_id}}/{path}", endpoint, methods=[method], summary=summary, name="endpoint"
    )


Run = Callable[[str, Any, OrderService, Write], Awaitable[JSONResponse]]


def _endpoint(run: Run, body_type: Any, *, optional: bool) -> Callable[..., Any]:
    """The route function FastAPI reads the parameters from: no body, an optional one, or one."""
    if body_type is None:

        async def without_body(order_id: Id, orders: OrdersDep, write: WriteDep) -> JSONResponse:
            return await run(order_id, None, orders, write)

        return without_body
    if optional:

        async def optional_body(
            order_id: Id,
            orders: OrdersDep,
            write: WriteDep,
            body: Annotated[body_type | None, Body()] = None,
        ) -> JSONResponse:
            return await run(order_id, body, orders, write)

        return optional_body

    async def with_body(
        order_id: Id, body: body_type, orders: OrdersDep, write: WriteDep
    ) -> JSONResponse:
        return await run(order_id, body, orders, write)

    return with_body


command_route("claim", None, fixed(Cmd.CLAIM), "Claim (staff with AUDIT): → PENDING_AUDIT")
command_route("feedback", c.Feedback, fixed(Cmd.FEEDBACK), "Customer feedback → PENDING_AUDIT")
command_route(
    "shipment",
    c.ShipmentIn,
    fixed(Cmd.RECORD_SHIPMENT),
    "Return shipment, by the customer or the seller on their behalf",
)
command_route("ship-reminder", None, fixed(Cmd.REMIND_SHIP), "Remind the customer to ship")
command_route(
    "receipt",
    c.Receipt,
    fixed(Cmd.REGISTER_RECEIPT),
    "Register the receipt (PROCESS; allowed while locked) → PENDING_PROCESS",
)
command_route(
    "return-freight",
    c.ReturnFreight,
    fixed(Cmd.SET_RETURN_FREIGHT),
    "Set the return freight to pay back (PROCESS)",
    method="PUT",
)
command_route(
    "process",
    c.Process,
    _process,
    "Process: REFUND, EXCHANGE, RETURN_ORIGINAL, OFFLINE_EXCHANGE → PROVISIONALLY_DONE",
)
command_route("reopen", None, fixed(Cmd.REOPEN), "Reopen a RETURN_ORIGINAL / OFFLINE_EXCHANGE")
command_route("messages", c.Message, _message, "Customer leaves a message / seller replies")
command_route(
    "resolve",
    c.Resolve,
    _resolve,
    "Customer confirms, or seller marks resolved (optionally offline exchange)",
    optional=True,
)
command_route(
    "abandon",
    c.Abandon,
    fixed(Cmd.ABANDON),
    "Customer abandons (a seller must note the customer's consent)",
    optional=True,
)
command_route(
    "arbitration",
    c.Arbitration,
    fixed(Cmd.REQUEST_ARBITRATION),
    "Request arbitration: locks the order and opens a case",
)
command_route("rating", c.Rate, fixed(Cmd.RATE), "Customer rates the service")
