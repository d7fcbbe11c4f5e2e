from metrics_svc.domain.counters import (
    COUNTERS,
    PAGES,
    LiveCounters,
    as_counts,
    from_counts,
    page_of,
)
from metrics_svc.domain.facts import Fact, FactKind

W = "2026-W48"


def test_every_counter_has_a_place_and_names_round_trip() -> None:
    assert len(set(COUNTERS)) == len(COUNTERS) == 12
    counts = {"sat_d": 2, "sat_n": 1, "precomp_fen": 19990}
    assert as_counts(from_counts(counts)) == counts
    assert from_counts({"unknown": 5}) == [0] * len(COUNTERS)


def test_a_seller_keeps_its_page() -> None:
    assert page_of("seller-1") == page_of("seller-1")
    assert len({page_of(f"s{n}") for n in range(5000)}) == PAGES


def test_facts_add_up_and_only_changed_pages_are_dirty() -> None:
    live = LiveCounters()
    live.add(Fact(FactKind.AUDIT, "o1", "s1", W, ok=True))
    live.add(Fact(FactKind.AUDIT, "o2", "s1", W, ok=False))
    live.add(Fact(FactKind.PRE_COMPENSATION, "o3", "s2", W, amount_fen=500))
    assert live.counts(W, "s1") == {"aud_d": 2, "aud_n": 1}
    assert live.counts(W, "s2") == {"precomp_count": 1, "precomp_fen": 500}
    pages = live.dirty_pages()
    assert {(p.week, p.number) for p in pages} == {(W, page_of("s1")), (W, page_of("s2"))}
    live.saved(pages)
    assert live.dirty_pages() == []
    live.add(Fact(FactKind.RATING, "o1", "s1", W, ok=True))
    [page] = live.dirty_pages()
    assert page.number == page_of("s1")
    assert page.sellers["s1"][COUNTERS.index("sat_n")] == 1


def test_a_page_holds_all_its_sellers_and_a_closed_week_is_forgotten() -> None:
    live = LiveCounters()
    sellers = [s for s in (f"s{n}" for n in range(2000)) if page_of(s) == page_of("s0")][:3]
    for seller in sellers:
        live.restore(W, seller, from_counts({"sat_d": 1}), dirty=False)
    assert live.dirty_pages() == []
    live.add(Fact(FactKind.RATING, "o", sellers[0], W, ok=False))
    [page] = live.dirty_pages()
    assert sorted(page.sellers) == sorted(sellers)
    assert sorted(s for s, _ in live.week(W)) == sorted(sellers)
    live.forget(W)
    assert live.week(W) == []
    assert live.dirty_pages() == []
    assert not live.has(W, sellers[0])
