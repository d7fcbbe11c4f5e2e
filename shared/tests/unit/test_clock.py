from datetime import UTC, datetime, timedelta

import pytest
from aftersales_shared.clock import FixedClock, SystemClock, VirtualClock


def test_virtual_clock_runs_ahead_of_the_wall_clock_by_its_offset() -> None:
    clock = VirtualClock()
    before = SystemClock().now()
    clock.advance(3600 * 24 * 15)
    assert clock.now() - before >= timedelta(days=15)
    assert clock.now() - before < timedelta(days=15, minutes=1)


def test_virtual_clock_never_moves_back() -> None:
    clock = VirtualClock(offset=timedelta(hours=5))
    clock.sync(timedelta(hours=1))
    assert clock.offset == timedelta(hours=5)
    clock.sync(timedelta(hours=7))
    assert clock.offset == timedelta(hours=7)
    with pytest.raises(ValueError, match="forward"):
        clock.advance(-1)


def test_fixed_clock_stands_still_until_moved() -> None:
    at = datetime(2026, 11, 30, 15, 59, 59, tzinfo=UTC)
    clock = FixedClock(at)
    assert clock.now() == at
    clock.advance(1)
    assert clock.now() == at + timedelta(seconds=1)
    with pytest.raises(ValueError, match="aware"):
        FixedClock(datetime(2026, 1, 1))  # noqa: DTZ001
