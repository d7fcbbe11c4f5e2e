from aftersales_shared.money import show_fen
from metrics_svc.domain.facts import Fact, FactKind
from metrics_svc.domain.penalties import penalty_lines, total_fen
from metrics_svc.domain.ranking import bottom10, rank
from metrics_svc.domain.scoring import Scorecard, scorecard


def card(seller: str, sat_n: int, sat_d: int = 100, **more: int) -> Scorecard:
    return scorecard(
        seller_id=seller, week="2026-W48", counters={"sat_n": sat_n, "sat_d": sat_d} | more
    )


def test_ties_break_on_indicators_passed_then_seller_id() -> None:
    # all three score 90: b passes satisfaction only when scored on it alone...
    a = card("a", 90)
    c = card("c", 90)
    # b: satisfaction 80 (fail) and audit 100 (pass) → (40*80+30*100)/70 = 88.57, lower
    b = card("b", 80, aud_n=1, aud_d=1)
    # d: satisfaction 90 plus process 90 (both pass) → score 90, two passed: ahead of a and c
    d = card("d", 90, proc_n=9, proc_d=10)
    ranking = rank([a, b, c, d])
    assert [(r.position, r.card.seller_id) for r in ranking] == [
        (1, "d"), (2, "a"), (3, "c"), (4, "b"),
    ]  # fmt: skip


def test_fewer_than_ten_sellers_are_all_bottom10_and_unscored_are_not_ranked() -> None:
    cards = [card(f"s{i}", 50 + i) for i in range(4)]
    unscored = scorecard(seller_id="z", week="2026-W48", counters={"audit_overdue": 2})
    ranking = rank([*cards, unscored])
    assert len(ranking) == 4
    assert all(r.bottom10 for r in ranking)
    assert [r.card.seller_id for r in bottom10(ranking)] == ["s0", "s1", "s2", "s3"]


def test_bottom10_is_the_ten_lowest_of_many() -> None:
    ranking = rank([card(f"s{i:02d}", i) for i in range(25)])
    assert [r.card.seller_id for r in bottom10(ranking)] == [f"s{i:02d}" for i in range(10)]
    assert sum(r.bottom10 for r in ranking) == 10


def test_streaks_and_escalation_at_three_in_a_row() -> None:
    cards = [card(f"s{i:02d}", i) for i in range(12)]
    week1 = rank(cards)
    streaks1 = {r.card.seller_id: r.streak for r in week1 if r.bottom10}
    week2 = rank(cards, previous_streaks=streaks1)
    streaks2 = {r.card.seller_id: r.streak for r in week2 if r.bottom10}
    week3 = rank(cards, previous_streaks=streaks2)
    by_id = {r.card.seller_id: r for r in week3}
    assert by_id["s00"].streak == 3
    assert by_id["s00"].escalated
    assert not any(r.escalated for r in week2)
    assert by_id["s11"].streak == 0
    # leaving the Bottom-10 for one week resets the streak
    assert rank(cards, previous_streaks={})[0].streak == 0
    assert {r.card.seller_id: r.streak for r in rank(cards)}["s00"] == 1


def fact(kind: FactKind, order: str, fen: int = 0) -> Fact:
    return Fact(kind, order, "s1", "2026-W48", True, order, fen)


def test_unaudited_fine_is_floor_n_over_10_units() -> None:
    nine = [fact(FactKind.AUDIT_OVERDUE, f"o{i:02d}") for i in range(9)]
    (line,) = penalty_lines(nine)
    assert (line.orders, line.units, line.amount_fen) == (9, 0, 0)
    twenty_one = [fact(FactKind.AUDIT_OVERDUE, f"o{i:02d}") for i in range(21)]
    (line,) = penalty_lines(twenty_one)
    assert (line.orders, line.units, show_fen(line.amount_fen)) == (21, 2, "4000.00")
    assert line.order_ids[:2] == ("o00", "o01")


def test_unprocessed_48h_and_pre_compensation_lines() -> None:
    facts = [
        fact(FactKind.PROCESS_OVERDUE, "p1"),
        fact(FactKind.PROCESS_OVERDUE, "p2"),
        fact(FactKind.PRE_COMPENSATION, "c1", 19990),
        fact(FactKind.PRE_COMPENSATION, "c2", 10),
    ]
    lines = penalty_lines(facts)
    assert [(x.rule, x.amount_fen, x.order_ids) for x in lines] == [
        ("UNPROCESSED_48H", 400_000, ("p1", "p2")),
        ("PRE_COMPENSATION", 20_000, ("c1", "c2")),
    ]
    assert show_fen(total_fen(lines)) == "4200.00"
    assert show_fen(-5) == "-0.05"
