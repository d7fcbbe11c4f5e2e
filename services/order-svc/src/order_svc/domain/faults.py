"""A refusal that is the request's fault, whatever the order: in a batch it refuses the batch."""

from __future__ import annotations

from aftersales_shared.errors import Invalid


class RequestInvalid(Invalid):
    """422 like any Invalid; a batch that meets it for one order writes none (the same payload
    goes to every order), where other refusals belong to their order alone."""
