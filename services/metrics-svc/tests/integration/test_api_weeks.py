"""Week names on every route: out-of-range, full-width or newline weeks are 422, never 500."""

from __future__ import annotations

import re

import pytest
from aftersales_testkit import bearer

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


@pytest.mark.parametrize("week", ["2025-W53", "9997-W53", "2583-W53"])
async def test_a_w53_the_year_lacks_is_refused_by_the_documented_pattern(
    svc: Running, week: str
) -> None:
    pattern = (await svc.client.get("/openapi.json")).json()["paths"]["/v1/penalties"]["get"]
    week_param = next(p for p in pattern["parameters"] if p["name"] == "week")
    assert re.fullmatch(week_param["schema"]["anyOf"][0]["pattern"], week) is None
    answer = await svc.client.get(f"/v1/weeks/{week}/ranking", headers=QC)
    assert answer.status_code == 422, answer.text


async def test_a_w53_the_year_has_is_a_week(svc: Running) -> None:
    answer = await svc.client.get("/v1/weeks/2026-W53/ranking", headers=QC)
    assert answer.status_code == 200, answer.text


async def test_the_scorecard_of_the_first_week_has_no_history_before_it(svc: Running) -> None:
    answer = await svc.client.get("/v1/sellers/s1/scorecard?week=2000-W01&history=3", headers=QC)
    assert answer.status_code == 200, answer.text
    assert [w["week"] for w in answer.json()["history"]] == ["2000-W01"]
    answer = await svc.client.get("/v1/sellers/s1/scorecard?week=2000-W02&history=3", headers=QC)
    assert [w["week"] for w in answer.json()["history"]] == ["2000-W01", "2000-W02"]


async def test_the_csv_ranking_is_documented_as_csv(svc: Running) -> None:
    document = (await svc.client.get("/openapi.json")).json()
    ok = document["paths"]["/v1/weeks/{week}/ranking.csv"]["get"]["responses"]["200"]
    assert list(ok["content"]) == ["text/csv"]
    answer = await svc.client.get("/v1/weeks/2026-W48/ranking.csv", headers=QC)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.text.startswith("week,position,seller_id")
