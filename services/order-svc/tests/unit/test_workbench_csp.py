"""The workbench's CSP: its own origin, and metrics-svc's only where the settings put it."""

from __future__ import annotations

from aftersales_testkit import TEST_SECRET
from order_svc.config import Settings
from order_svc.entrypoints.workbench import csp


def settings(metrics_api_url: str) -> Settings:
    return Settings(auth_secret=TEST_SECRET, metrics_api_url=metrics_api_url)  # type: ignore[arg-type]


def test_same_origin_by_default() -> None:
    assert "connect-src 'self';" in csp(settings(""))


def test_metrics_svc_on_another_origin_is_allowed_by_its_origin_only() -> None:
    policy = csp(settings("http://127.0.0.1:8004/some/path"))
    assert "connect-src 'self' http://127.0.0.1:8004;" in policy
