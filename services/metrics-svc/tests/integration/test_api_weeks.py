"""Week names on every route: out-of-range, full-width or newline weeks are 422, never 500."""

from __future__ import annotations

import pytest
from aftersales_shared.testing import bearer

from .conftest import Running

pytestmark = pytest.mark.integration
QC = bearer("qc_analyst")
FULL_WIDTH_2026 = "%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%96"
BAD_WEEKS = ["0001-W01", f"{FULL_WIDTH_2026}-W48", "2026-W48%0A", "2026-W48%0D%0A"]


@pytest.mark.parametrize("week", BAD_WEEKS)
@pytest.mark.parametrize(
    "path",
    [
        "/v1/weeks/{week}/ranking",
        "/v1/weeks/{week}/bottom10",
        "/v1/weeks/{week}/ranking.csv",
        "/v1/sellers/s1/scorecard?week={week}",
        "/v1/penalties?week={week}",
        "/v1/escalations?week={week}",
    ],
)
async def test_a_bad_week_is_422_in_the_error_shape(svc: Running, path: str, week: str) -> None:
    answer = await svc.client.get(path.format(week=week), headers=QC)
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "invalid"
