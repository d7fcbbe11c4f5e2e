"""What persistence and messaging need of each other, as protocols: neither imports the other."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol


class Publisher(Protocol):
    """Publishes messages in their stored form (`contracts.stored_form`); the relay needs this."""

    async def publish_stored(self, stored: Mapping[str, Any]) -> None: ...

    async def publish_many_stored(
        self, messages: Iterable[Mapping[str, Any]]
    ) -> list[BaseException | None]: ...


class Inbox(Protocol):
    """Ids of messages already handled, so a redelivery changes nothing."""

    async def seen(self, message_id: str) -> bool: ...

    async def record(self, message_id: str) -> None: ...
