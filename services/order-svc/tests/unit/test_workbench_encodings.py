"""Which precompressed copy of a workbench asset the browser's Accept-Encoding lets us send."""

from __future__ import annotations

from pathlib import Path

import pytest
from order_svc.entrypoints.workbench import accepted_codings, encoded


@pytest.mark.parametrize(
    ("header", "codings"),
    [
        ("gzip, deflate, br, zstd", {"gzip", "deflate", "br", "zstd"}),
        ("br;q=0, gzip;q=0.5", {"gzip"}),
        ("GZIP;q=0.000, *", {"*"}),
        ("", set()),
    ],
)
def test_accepted_codings(header: str, codings: set[str]) -> None:
    assert accepted_codings(header) == codings


def test_brotli_first_then_gzip_then_the_file(tmp_path: Path) -> None:
    asset = tmp_path / "vendor-abc.js"
    asset.write_text("x")
    (tmp_path / "vendor-abc.js.gz").write_bytes(b"gz")
    assert encoded(asset, "gzip, br") == (tmp_path / "vendor-abc.js.gz", "gzip")  # no .br yet
    (tmp_path / "vendor-abc.js.br").write_bytes(b"br")
    assert encoded(asset, "gzip, deflate, br") == (tmp_path / "vendor-abc.js.br", "br")
    assert encoded(asset, "gzip") == (tmp_path / "vendor-abc.js.gz", "gzip")
    assert encoded(asset, "br;q=0, gzip;q=0") == (asset, None)
    assert encoded(asset, "") == (asset, None)
