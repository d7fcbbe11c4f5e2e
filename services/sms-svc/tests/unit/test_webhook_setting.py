"""WEBHOOK_ALLOW_INTERNAL: compose passes it blank when it is not set; blank means unset."""

import pytest
from sms_svc.config import Settings

SECRET = "s" * 40


@pytest.mark.parametrize(
    ("env", "value", "allowed_in_production"),
    [("", None, False), ("true", True, True), ("false", False, False)],
)
def test_a_blank_setting_is_unset(
    monkeypatch: pytest.MonkeyPatch, env: str, value: bool | None, allowed_in_production: bool
) -> None:
    monkeypatch.setenv("WEBHOOK_ALLOW_INTERNAL", env)
    monkeypatch.setenv("ENV", "production")
    settings = Settings(auth_secret=SECRET)
    assert settings.webhook_allow_internal is value
    assert settings.webhooks_may_be_internal is allowed_in_production
