"""An audit image's base64 pattern, as OpenAPI states it, is exactly what the server takes."""

from __future__ import annotations

import base64
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from order_svc.domain.effects import MAX_ATTACHMENT_BYTES
from order_svc.entrypoints.api_audit import AuditBody
from order_svc.entrypoints.images import RASTER_TYPES, sniff
from order_svc.entrypoints.uploads import MAX_BASE64_CHARS
from pydantic import ValidationError

MAGIC_BYTES = {
    "image/jpeg": [b"\xff\xd8\xff"],
    "image/png": [b"\x89PNG\r\n\x1a\n"],
    "image/gif": [b"GIF87a", b"GIF89a"],
    "image/webp": [b"RIFF\x00\x00\x00\x00WEBP", b"RIFF\xff\xff\xff\xffWEBP"],
}


def documented_pattern(kind: str) -> str:
    """The pattern of `data_base64` that the audit body's schema gives for `kind`."""
    schema = AuditBody.model_json_schema()
    for variant in schema["$defs"].values():
        if variant.get("properties", {}).get("content_type", {}).get("const") == kind:
            data = variant["properties"]["data_base64"]
            assert data["maxLength"] == MAX_BASE64_CHARS
            pattern: str = data["pattern"]
            return pattern
    raise AssertionError(f"no variant for {kind}")


def audit(kind: str, data: str) -> AuditBody:
    upload = {"filename": "a", "content_type": kind, "data_base64": data}
    return AuditBody.model_validate({"result": "REJECT", "attachments": [upload]})


@pytest.mark.parametrize("kind", RASTER_TYPES)
@given(data=st.data())
def test_what_the_pattern_allows_decodes_to_that_image(kind: str, data: st.DataObject) -> None:
    encoded = data.draw(st.from_regex(documented_pattern(kind), fullmatch=True))
    audit(kind, encoded)
    decoded = base64.b64decode(encoded, validate=True)
    assert sniff(decoded) == kind


@pytest.mark.parametrize("kind", RASTER_TYPES)
@given(rest=st.binary(max_size=64), magic=st.integers(0, 1))
def test_every_such_image_matches_the_pattern(kind: str, rest: bytes, magic: int) -> None:
    options = MAGIC_BYTES[kind]
    raw = options[magic % len(options)] + rest
    encoded = base64.b64encode(raw).decode()
    assert re.fullmatch(documented_pattern(kind), encoded)
    assert audit(kind, encoded).attachments[0].data_base64 == encoded


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        ("image/png", b"\xff\xd8\xff\x00"),  # a JPEG claimed as PNG
        ("image/jpeg", b"<svg/>"),
        ("image/gif", b"GIF88a"),
        ("image/webp", b"RIFF\x00\x00\x00\x00WAVE"),
    ],
)
def test_other_bytes_are_refused(kind: str, raw: bytes) -> None:
    with pytest.raises(ValidationError, match=f"not the base64 of a {kind} image"):
        audit(kind, base64.b64encode(raw).decode())


@pytest.mark.parametrize("data", ["00", "/9j/AA", "/9j/AA=", "/9j_", " /9j/", "/9j/\n"])
def test_base64_that_is_not_canonical_is_refused(data: str) -> None:
    with pytest.raises(ValidationError):
        audit("image/jpeg", data)


def test_the_longest_allowed_image_is_under_800_kb() -> None:
    longest = "/9j/" + "A" * (MAX_BASE64_CHARS - 4)
    assert len(base64.b64decode(audit("image/jpeg", longest).attachments[0].data_base64)) < (
        MAX_ATTACHMENT_BYTES
    )
    with pytest.raises(ValidationError):
        audit("image/jpeg", longest + "AAAA")
