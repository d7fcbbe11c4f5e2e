"""Audit images: raster formats only, known by their first bytes, served so nothing runs them.

An SVG or an HTML page named `x.png` would run script in the workbench's origin if it were served
back as what the uploader claimed; the bytes decide the type, and the answer forbids sniffing,
scripts and embedding.
"""

from __future__ import annotations

from urllib.parse import quote

RASTER_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
SERVED_CSP = "default-src 'none'; img-src 'self'; sandbox"


def sniff(data: bytes) -> str | None:
    """The raster type the bytes begin with (JPEG, PNG, GIF, WebP), or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if len(data) >= 12 and data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def served_headers(*, attachment_id: str, filename: str) -> dict[str, str]:
    """nosniff, a CSP that runs nothing, and a Content-Disposition with the filename encoded."""
    return {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": SERVED_CSP,
        "Content-Disposition": (
            f"inline; filename=\"{attachment_id}\"; filename*=UTF-8''{quote(filename, safe='')}"
        ),
        "Cache-Control": "private, no-store",
    }
