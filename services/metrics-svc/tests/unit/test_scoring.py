from fractions import Fraction

from metrics_svc.domain.scoring import pct, scorecard

FULL = {
    "sat_n": 9, "sat_d": 10,   # 90%  (target 85 → pass)
    "aud_n": 19, "aud_d": 20,  # 95%  (target 95 → pass, equal counts)
    "proc_n": 9, "proc_d": 10,  # 90% (target 90 → pass)
    "exch_n": 1, "exch_d": 2,  # 50%  (target 90 → fail)
}  # fmt: skip


def test_weighted_score_of_a_hand_computed_week() -> None:
    card = scorecard(seller_id="s", week="2026-W48", counters=FULL)
    # 0.4*90 + 0.3*95 + 0.2*90 + 0.1*50 = 36 + 28.5 + 18 + 5
    assert card.score == Fraction(875, 10)
    assert [i.passed for i in card.indicators] == [True, True, True, False]
    assert card.passed_count == 3
    assert pct(card.score) == "87.50"


def test_no_data_indicator_weight_is_spread_in_proportion() -> None:
    counters = {"sat_n": 2, "sat_d": 2, "aud_n": 1, "aud_d": 2}
    card = scorecard(seller_id="s", week="2026-W48", counters=counters)
    # (40*100 + 30*50) / (40+30) = 5500/70
    assert card.score == Fraction(5500, 70)
    assert pct(card.score) == "78.57"
    names = {i.name: i for i in card.indicators}
    assert names["process_within_12h"].value is None
    assert names["process_within_12h"].passed is None
    assert names["exchange_shipped_within_18h"].denominator == 0


def test_only_one_indicator_with_data_gets_all_the_weight() -> None:
    card = scorecard(seller_id="s", week="w", counters={"exch_n": 1, "exch_d": 4})
    assert card.score == 25


def test_no_data_at_all_means_no_score() -> None:
    card = scorecard(seller_id="s", week="w", counters={"audit_overdue": 3})
    assert card.score is None
    assert card.passed_count == 0


def test_denominator_only_counts_zero() -> None:
    card = scorecard(seller_id="s", week="w", counters={"proc_d": 3})
    assert card.score == 0
    assert pct(Fraction(2, 3)) == "0.67"
