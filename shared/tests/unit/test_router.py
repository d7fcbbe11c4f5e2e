"""Typed handler registration: the payload model is checked when a handler is added."""

from __future__ import annotations

import pytest
from aftersales_shared.contracts.messages import SmsSend, TimerFired
from aftersales_shared.messaging import MessageMeta, Router


async def on_fired(payload: TimerFired, meta: MessageMeta) -> None:
    """A typed handler of timer.fired."""


def test_a_handler_annotated_with_another_model_is_refused_at_registration() -> None:
    with pytest.raises(TypeError, match=r"sms\.send carries SmsSend, not TimerFired"):
        Router().add("sms.send", on_fired)


def test_a_type_has_one_handler() -> None:
    router = Router()
    router.add("timer.fired", on_fired)
    with pytest.raises(ValueError, match="already has a handler"):
        router.add("timer.fired", on_fired)


def test_an_unregistered_type_is_refused() -> None:
    with pytest.raises(KeyError, match=r"timer\.exploded"):
        Router().add("timer.exploded", on_fired)


def test_the_decorator_returns_the_handler() -> None:
    router = Router()

    async def on_sms(payload: SmsSend, meta: MessageMeta) -> None:
        """A typed handler of sms.send."""

    assert router.on("sms.send")(on_sms) is on_sms
