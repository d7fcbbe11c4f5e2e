"""The conformance run's settings: every schemathesis check is on, generation is reproducible."""

from __future__ import annotations

from schemathesis.checks import CHECKS, is_check_class, load_all_checks

from tests.conformance.settings import CONFIG, RESPONSE_TIME_LIMIT_S


def test_every_registered_check_is_enabled() -> None:
    load_all_checks()
    checks = CONFIG.projects.default.checks_config_for(operation=None, phase=None)
    names = [check.__name__ for check in CHECKS.get_all() if not is_check_class(check)]
    assert len(names) >= 14
    assert [name for name in names if not checks.get_by_name(name=name).enabled] == []
    assert checks.max_response_time.enabled
    assert checks.max_response_time.limit == RESPONSE_TIME_LIMIT_S


def test_generation_is_derandomized_and_bounded() -> None:
    generation = CONFIG.projects.default.generation_for(operation=None, phase=None)
    assert generation.deterministic is True
    assert generation.database == "none"
    assert 1 <= generation.max_examples <= 20
