"""An audit image as sent: its base64 must begin with the magic bytes of its content type.

Each pattern states in OpenAPI what the server checks: canonical base64 (padded, the standard
alphabet) whose decoded bytes start as a JPEG, PNG, GIF or WebP file does, under 800 KB.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

from order_svc.domain.commands import Name
from order_svc.domain.effects import MAX_ATTACHMENT_BYTES

_B64 = "[A-Za-z0-9+/]"
_TAIL = rf"(?:{_B64}{{4}})*(?:{_B64}{{2}}==|{_B64}{{3}}=)?"
MAGIC_PREFIXES = {
    "image/jpeg": "/9j/",  # FF D8 FF
    "image/png": rf"iVBORw0KGg(?:o=|[o-r]{_B64}{_TAIL})",  # 89 'PNG' 0D 0A 1A 0A
    "image/gif": "R0lGOD[dl]h",  # 'GIF87a' or 'GIF89a'
    "image/webp": rf"UklGR[g-v]{_B64}{{4}}[BFJNRVZdhlptx159]XRUJQ",  # 'RIFF', 4 bytes, 'WEBP'
}
"""What the base64 of each type begins with (PNG's 8 bytes end inside a group: it ends it)."""
PATTERNS = {
    kind: f"^{prefix}$" if kind == "image/png" else f"^{prefix}{_TAIL}$"
    for kind, prefix in MAGIC_PREFIXES.items()
}
MAX_BASE64_CHARS = 4 * ((MAX_ATTACHMENT_BYTES - 1) // 3)
"""The longest base64 whose bytes are surely under 800 KB (at most 819,198 of them)."""


def _matching(kind: str) -> AfterValidator:
    pattern = re.compile(PATTERNS[kind], re.ASCII)

    def check(value: str) -> str:
        if pattern.fullmatch(value) is None:
            raise ValueError(f"not the base64 of a {kind} image (padded, standard alphabet)")
        return value

    return AfterValidator(check)


def _described(kind: str) -> WithJsonSchema:
    return WithJsonSchema(
        {
            "type": "string",
            "minLength": 4,
            "maxLength": MAX_BASE64_CHARS,
            "pattern": PATTERNS[kind],
            "contentEncoding": "base64",
            "description": f"The {kind} file in base64, under 800 KB",
        }
    )


_Bound = Field(max_length=MAX_BASE64_CHARS)
JpegData = Annotated[str, _Bound, _matching("image/jpeg"), _described("image/jpeg")]
PngData = Annotated[str, _Bound, _matching("image/png"), _described("image/png")]
GifData = Annotated[str, _Bound, _matching("image/gif"), _described("image/gif")]
WebpData = Annotated[str, _Bound, _matching("image/webp"), _described("image/webp")]


class _Upload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    filename: Name
    """As the order keeps it: one line of at most 100 characters."""


class JpegUpload(_Upload):
    content_type: Literal["image/jpeg"]
    data_base64: JpegData


class PngUpload(_Upload):
    content_type: Literal["image/png"]
    data_base64: PngData


class GifUpload(_Upload):
    content_type: Literal["image/gif"]
    data_base64: GifData


class WebpUpload(_Upload):
    content_type: Literal["image/webp"]
    data_base64: WebpData


Upload = Annotated[
    JpegUpload | PngUpload | GifUpload | WebpUpload, Field(discriminator="content_type")
]
"""An audit image: its content type says which pattern its base64 follows."""
