"""The queue's handler: `arbitration.requested` opens a case (once per request, one per order)."""

from __future__ import annotations

from aftersales_shared.contracts import Envelope, decode
from aftersales_shared.contracts.messages import ArbitrationRequested
from aftersales_shared.errors import PermanentMessageError
from aftersales_shared.messaging import Handler, dispatcher
from pydantic import ValidationError

from arbitration_svc.handlers import Cases


def message_handler(cases: Cases) -> Handler:
    """Dispatch this service's messages to the use cases."""

    async def on_requested(message: Envelope) -> None:
        try:
            request = decode(message)
        except ValidationError as exc:
            raise PermanentMessageError(f"invalid arbitration.requested: {exc}") from exc
        assert isinstance(request, ArbitrationRequested)
        await cases.open_from(message, request)

    return dispatcher({"arbitration.requested": on_requested})
