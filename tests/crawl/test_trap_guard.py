"""Crawler-trap heuristics (govinspect.crawl.urls.TrapGuard).

Two things matter equally: real traps stop, and the URL shapes of real government CMSs (TRS,
Hanweb/大汉, Founder, Guangdong gkmlpt, ASP/JSP county sites) are never cut.
"""

from __future__ import annotations

import datetime as dt

import pytest

from govinspect.crawl.urls import TrapGuard

TODAY = dt.date(2024, 6, 15)
SITE = "http://www.jyx.gov.cn"


def guard(**kwargs: object) -> TrapGuard:
    return TrapGuard(today=TODAY, **kwargs)  # type: ignore[arg-type]


def admitted(g: TrapGuard, urls: list[str]) -> list[str | None]:
    return [g.check(u) for u in urls]


# --------------------------------------------------------------------------------------------
# ordinary government URLs are never flagged
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"{SITE}/",
        f"{SITE}/xxgk/tzgg/202406/t20240612_123456.html",
        f"{SITE}/art/2024/6/12/art_1229_5678.html",
        f"{SITE}/art/2011/11/11/art_1229_5678.html",
        f"{SITE}/col/col1234/index.html",
        f"{SITE}/content/2024-06/12/content_98765.htm",
        f"{SITE}/module/web/jpage/dataproxy.jsp?page=1&webid=1&path={SITE}/&columnid=1229&unitid=5678",
        f"{SITE}/xxgk/tzgg/index_1.html",
        f"{SITE}/gkmlpt/content/3/3456/post_3456789.html",
        f"{SITE}/zwgk/zfxxgk/fdzdgknr/czzj/2023ndbg/index.html",
        f"{SITE}/zfxxgk/ndbg/2023/",
        f"{SITE}/js/common.js?v=20240612",
        f"{SITE}/news/show.asp?id=1024",
        f"{SITE}/search/search.jsp?q=%E6%94%BF%E5%BA%9C&page=1",
        f"{SITE}/zwgk/zwgk/index.html",
    ],
)
def test_ordinary_government_urls_pass(url: str) -> None:
    assert guard().check(url) is None


def test_trs_articles_over_many_months_are_never_cut() -> None:
    g = guard()
    urls = [
        f"{SITE}/xxgk/tzgg/{y}{m:02d}/t{y}{m:02d}{d:02d}_{n}.html"
        for n, (y, m, d) in enumerate(
            (y, m, d) for y in range(2015, 2025) for m in range(1, 13) for d in range(1, 29, 3)
        )
    ]
    assert len(urls) > 1000
    assert all(r is None for r in admitted(g, urls))


def test_a_busy_day_of_hanweb_articles_is_not_cut() -> None:
    g = guard()
    urls = [f"{SITE}/art/2024/6/12/art_{1200 + n % 40}_{500000 + n}.html" for n in range(1500)]
    assert all(r is None for r in admitted(g, urls))


def test_large_id_only_article_sets_are_not_cut() -> None:
    g = guard()
    posts = [
        f"{SITE}/gkmlpt/content/{n // 1000}/{n}/post_{n}.html" for n in range(100_000, 112_000)
    ]
    asp = [f"{SITE}/news/show.asp?id={n}" for n in range(1, 6000)]
    assert all(r is None for r in admitted(g, posts))
    assert all(r is None for r in admitted(g, asp))


def test_two_hundred_list_pages_and_the_first_dataproxy_pages_pass() -> None:
    g = guard()
    pages = [f"{SITE}/xxgk/tzgg/index_{n}.html" for n in range(1, 201)]
    proxy = [
        f"{SITE}/module/web/jpage/dataproxy.jsp?startrecord={1 + 45 * k}&endrecord={45 * (k + 1)}"
        f"&perpage=15&page={k + 1}&webid=1&columnid=1229"
        for k in range(60)
    ]
    assert all(r is None for r in admitted(g, pages + proxy))


def test_query_pagination_of_many_columns_is_counted_per_column() -> None:
    # Hanweb's dataproxy and JSP lists paginate every column through one URL shape.
    g = guard()
    urls = [
        f"{SITE}/module/web/jpage/dataproxy.jsp?startrecord={1 + 45 * p}&endrecord={45 * (p + 1)}"
        f"&perpage=15&webid=1&columnid={1000 + c}"
        for c in range(150)
        for p in range(20)
    ]
    lists = [f"{SITE}/list.jsp?cid={c}&pageNo={p}" for c in range(80) for p in range(1, 40)]
    assert len(urls) + len(lists) > 2 * 2000
    assert all(r is None for r in admitted(g, urls + lists))
    # ... while one list is still cut after 500 pages.
    one = admitted(g, [f"{SITE}/list.jsp?cid=7&pageNo={p}" for p in range(40, 600)])
    assert one.count(None) == 500 - 39


def test_founder_node_pagination_is_counted_per_node() -> None:
    g = guard(pagination_limit=5)
    urls = [f"{SITE}/xwzx/node_{n}_{p}.htm" for n in range(100, 140) for p in range(2, 7)]
    assert all(r is None for r in admitted(g, urls))
    assert g.check(f"{SITE}/xwzx/node_100_7.htm") == "pagination"


def test_calendars_of_many_columns_are_counted_per_column() -> None:
    g = guard()
    urls = [f"{SITE}/xxgk/list.jsp?cid={c}&year={y}" for c in range(40) for y in range(2015, 2025)]
    assert all(r is None for r in admitted(g, urls))


def test_calendar_varying_another_number_is_still_bounded() -> None:
    g = guard(flood_limit=100)
    urls = [f"{SITE}/rl.jsp?view={v}&date=2024-06-{d:02d}" for v in range(50) for d in range(1, 29)]
    results = admitted(g, urls)
    assert results.count(None) == 100
    assert set(results[100:]) == {"pattern_flood"}


def test_hundreds_of_columns_pass() -> None:
    g = guard()
    assert all(g.check(f"{SITE}/col/col{n}/index.html") is None for n in range(1000, 2500))


# --------------------------------------------------------------------------------------------
# traps
# --------------------------------------------------------------------------------------------


def test_calendar_query_dates_are_capped_per_pattern() -> None:
    g = guard()
    start = dt.date(2024, 1, 1)
    urls = [f"{SITE}/hdjl/calendar.jsp?date={start + dt.timedelta(days=k)}" for k in range(40)]
    results = admitted(g, urls)
    assert results[:30] == [None] * 30
    assert results[30:] == ["calendar"] * 10


def test_calendar_date_formats_share_one_pattern() -> None:
    g = guard(calendar_limit=3)
    assert g.check(f"{SITE}/rl.jsp?date=2024-06-15") is None
    assert g.check(f"{SITE}/rl.jsp?date=20240616") is None
    assert g.check(f"{SITE}/rl.jsp?date=2024/6/17") is None
    assert g.check(f"{SITE}/rl.jsp?date=2024.06.18") == "calendar"


def test_year_month_parameters_are_a_calendar() -> None:
    g = guard()
    urls = [
        f"{SITE}/ldhd/list.jsp?year={y}&month={m}" for y in range(2020, 2025) for m in range(1, 13)
    ]
    results = admitted(g, urls)
    assert results.count(None) == 30
    assert set(results[30:]) == {"calendar"}


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        (f"{SITE}/s.jsp?start=2024-01-01&end=2024-12-31", "calendar"),
        (f"{SITE}/s.jsp?begin=2024%2F01%2F01", "calendar"),
        (f"{SITE}/s.jsp?ym=202406", "calendar"),
        (f"{SITE}/s.jsp?month=7", "calendar"),
        (f"{SITE}/s.jsp?id=20240615", "article"),
        (f"{SITE}/s.jsp?code=202406", "flood"),
        (f"{SITE}/s.jsp?t=1718000000", "flood"),
        (f"{SITE}/s.jsp?start=20", "pagination"),
    ],
)
def test_date_parameters_are_recognised(url: str, kind: str) -> None:
    assert guard().classify(url)[1] == kind


def test_compact_date_parameter_is_a_calendar() -> None:
    g = guard(calendar_limit=2)
    assert admitted(g, [f"{SITE}/x.do?d=2024061{k}" for k in range(5)]) == [
        None,
        None,
        "calendar",
        "calendar",
        "calendar",
    ]


@pytest.mark.parametrize(
    "url",
    [
        f"{SITE}/rl.jsp?date=2026-06-16",
        f"{SITE}/rl.jsp?d=20310501",
        f"{SITE}/rl.jsp?year=2027",
        f"{SITE}/rl.jsp?year=2031&month=5",
        f"{SITE}/calendar/2031/05/",
        f"{SITE}/events/2099-01-01.html",
    ],
)
def test_calendar_dates_more_than_two_years_ahead_are_refused(url: str) -> None:
    assert guard().check(url) == "calendar"


@pytest.mark.parametrize(
    "url",
    [
        f"{SITE}/rl.jsp?date=2026-06-15",
        f"{SITE}/rl.jsp?year=2026",
        f"{SITE}/calendar/2026/06/",
        f"{SITE}/rl.jsp?date=1999-01-01",
    ],
)
def test_calendar_dates_up_to_two_years_ahead_pass(url: str) -> None:
    assert guard().check(url) is None


def test_future_dated_article_is_not_a_calendar() -> None:
    # A mistyped article date is content, not a trap (and is reported by the date checks).
    assert guard().check(f"{SITE}/xxgk/203406/t20340612_123456.html") is None


def test_calendar_path_pages_are_capped() -> None:
    g = guard()
    urls = [f"{SITE}/calendar/{y}/{m:02d}/" for y in range(2020, 2025) for m in range(1, 13)]
    results = admitted(g, urls)
    assert results[:30] == [None] * 30
    assert set(results[30:]) == {"calendar"}


def test_endless_pagination_is_cut_after_500() -> None:
    g = guard()
    html_pages = admitted(g, [f"{SITE}/xxgk/index_{n}.html" for n in range(1, 511)])
    query_pages = admitted(g, [f"{SITE}/list.jsp?cid=7&page={n}" for n in range(1, 511)])
    for results in (html_pages, query_pages):
        assert results[:500] == [None] * 500
        assert set(results[500:]) == {"pagination"}


def test_pattern_flood_is_cut_after_2000() -> None:
    g = guard()
    urls = [f"{SITE}/search.jsp?cat={n % 7}&sort={n}" for n in range(2100)]
    results = admitted(g, urls)
    assert results[:2000] == [None] * 2000
    assert set(results[2000:]) == {"pattern_flood"}


def test_article_flood_within_one_day_is_cut_at_the_flood_limit() -> None:
    g = guard(flood_limit=50)
    results = admitted(g, [f"{SITE}/art/2024/6/12/art_1_{n}.html" for n in range(60)])
    assert results.count(None) == 50
    # The next day is a new pattern.
    assert g.check(f"{SITE}/art/2024/6/13/art_1_1.html") is None


def test_id_only_article_sets_have_their_own_limit() -> None:
    g = guard(article_limit=10)
    results = admitted(g, [f"{SITE}/content/post_{n}.html" for n in range(1000, 1015)])
    assert results[:10] == [None] * 10
    assert set(results[10:]) == {"pattern_flood"}


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (f"{SITE}/" + "a" * 1100, "too_long"),
        (f"{SITE}/s.jsp?" + "&".join(f"p{k}=1" for k in range(13)), "too_many_params"),
        (f"{SITE}/" + "/".join(f"d{k}" for k in range(16)) + "/", "too_deep_path"),
        (f"{SITE}/zwgk/a/b/a/b/index.html", "repeating_segments"),
        (f"{SITE}/xxgk/images/images/images/logo.png", "repeating_segments"),
        (f"{SITE}/a/b/c/a/b/c/x.html", "repeating_segments"),
        (f"{SITE}/1/1/1/1/", "repeating_segments"),
    ],
)
def test_structural_traps(url: str, reason: str) -> None:
    assert guard().check(url) == reason


@pytest.mark.parametrize(
    "url",
    [
        f"{SITE}/" + "a" * 900,
        f"{SITE}/s.jsp?" + "&".join(f"p{k}=1" for k in range(12)),
        f"{SITE}/" + "/".join(f"d{k}" for k in range(15)),
        f"{SITE}/a/b/a/c.html",
        f"{SITE}/xxgk/xxgk/index.html",
        f"{SITE}/art/2012/12/12/art_1_2.html",
    ],
)
def test_structural_limits_are_not_hit_by_ordinary_urls(url: str) -> None:
    assert guard().check(url) is None


def test_thresholds_are_constructor_arguments() -> None:
    g = guard(max_length=40, max_params=2, max_depth=3, pagination_limit=2)
    assert g.check(f"{SITE}/" + "a" * 30) == "too_long"
    assert g.check(f"{SITE}/a?x=1&y=2&z=3") == "too_many_params"
    assert g.check(f"{SITE}/a/b/c/d") == "too_deep_path"
    assert admitted(g, [f"{SITE}/index_{n}.html" for n in range(3)]) == [None, None, "pagination"]


def test_future_years_and_today_are_parameters() -> None:
    g = TrapGuard(today=dt.date(2030, 1, 1), future_years=0)
    assert g.check(f"{SITE}/rl.jsp?date=2030-01-01") is None
    assert g.check(f"{SITE}/rl.jsp?date=2030-01-02") == "calendar"


def test_verdicts_are_stable_for_repeated_checks() -> None:
    g = guard(calendar_limit=2)
    first = [f"{SITE}/rl.jsp?date=2024-06-0{k}" for k in range(1, 5)]
    assert admitted(g, first) == [None, None, "calendar", "calendar"]
    # Re-checking admitted URLs does not use up the limit; refused ones stay refused.
    assert admitted(g, first) == [None, None, "calendar", "calendar"]


def test_refusals_are_recorded_with_examples() -> None:
    g = guard(pagination_limit=1)
    for n in range(10):
        g.check(f"{SITE}/index_{n}.html")
    g.check(f"{SITE}/" + "x" * 2000)
    assert g.refused == {"pagination": 9, "too_long": 1}
    assert g.examples["pagination"] == [f"{SITE}/index_{n}.html" for n in range(1, 6)]


def test_memory_stays_bounded() -> None:
    g = guard(max_patterns=100, max_tracked_urls=500)
    for n in range(5000):
        column = "".join(chr(97 + int(c)) for c in str(n))  # a distinct pattern per column
        assert g.check(f"{SITE}/{column}/list.jsp?page={n % 3}") is None
        assert g.check(f"{SITE}/{column}/list.jsp?page={n % 3}") is None
    assert 0 < len(g._counts) <= 100
    assert 0 < len(g._admitted) <= 500


def test_urls_without_numbers_are_not_counted() -> None:
    g = guard(flood_limit=1)
    assert all(g.check(f"{SITE}/zwgk/{name}/index.html") is None for name in ("a", "b", "c", "d"))
    assert g._counts == {}


def test_patterns_are_visible_for_notes() -> None:
    g = guard()
    assert g.classify(f"{SITE}/xxgk/202406/t20240612_123456.html") == (
        f"{SITE}/xxgk/202406/t20240612_#.html",
        "dated",
    )
    assert g.classify(f"{SITE}/rl.jsp?date=2024-06-15&cid=3") == (
        f"{SITE}/rl.jsp?date={{date}}&cid=#",
        "calendar",
    )
    assert g.classify(f"{SITE}/xxgk/index_3.html") == (f"{SITE}/xxgk/index_#.html", "pagination")
    assert g.classify(f"{SITE}/gkmlpt/content/3/3456/post_3456789.html")[1] == "article"
    assert g.classify(f"{SITE}/zwgk/index.html") == (f"{SITE}/zwgk/index.html", "none")
