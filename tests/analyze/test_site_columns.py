"""Columns and homepage freshness merged over a site's pages (govinspect.analyze.sitecolumns)
and the vetoes they lead to (govinspect.checks.freshness)."""

from __future__ import annotations

from datetime import date

import pytest

from govinspect.analyze.columns import column_key
from govinspect.analyze.pagefacts import FactBlock, FactItem, PageFacts
from govinspect.analyze.sitecolumns import SiteColumns
from govinspect.checks.freshness import freshness_counts, freshness_findings
from govinspect.profiles.loader import load_profile

H = "http://www.qingshan.gov.cn"
T = date(2024, 6, 15)
NAV = (("首页", H + "/"), ("新闻中心", H + "/xwzx/"), ("通知公告", H + "/tzgg/"), ("政务公开", H + "/zwgk/"))


def facts(kind: str, *, crumbs=(), blocks=(), primary=None, nav=(), sub_nav=(), blank=False, script_list=False,
          column_name=None, published=None, title="") -> PageFacts:
    return PageFacts(kind, title, tuple(crumbs), column_name, tuple(nav), tuple(sub_nav), tuple(blocks), primary,
                     blank, script_list, published)


def items(prefix: str, *dates: str | None) -> tuple[FactItem, ...]:
    return tuple(FactItem(f"{prefix}{k}", f"{H}/{prefix}/art{k}.html", d) for k, d in enumerate(dates))


def crumbs(*pairs: tuple[str, str]) -> tuple[tuple[str, str | None], ...]:
    return (("首页", H + "/"), *((n, H + p) for n, p in pairs))


def site(**kw) -> SiteColumns:
    return SiteColumns(H + "/", as_of=T, in_scope=lambda u: u.startswith(H), **kw)


def home_page(blocks=()) -> PageFacts:
    return facts("home", nav=NAV, blocks=blocks)


def by_name(cols: list[dict]) -> dict[str, dict]:
    return {c["name"]: c for c in cols}


def test_column_key_folds_index_and_pager_urls() -> None:
    assert column_key(H + "/xwzx/gzdt/index_3.html") == column_key(H + "/xwzx/gzdt/") == column_key(H + "/xwzx/gzdt/index.html")
    assert column_key(H + "/news/list.jsp?catid=12&page=2") == column_key(H + "/news/list.jsp?catid=12")
    assert column_key(H + "/news/list.jsp?catid=12") != column_key(H + "/news/list.jsp?catid=13")
    assert column_key(H + "/col/col1208/index_2.html") == column_key(H + "/col/col1208/index.html")


def test_columns_from_nav_breadcrumbs_and_sub_menus_with_states() -> None:
    s = site()
    s.add(H + "/", home_page(), is_home=True, depth=0)
    s.add(H + "/xwzx/", facts("channel", crumbs=crumbs(("新闻中心", "/xwzx/")),
                              sub_nav=(("工作动态", H + "/xwzx/gzdt/"), ("图片新闻", H + "/xwzx/tpxw/"))),
          is_home=False, depth=1)
    # 工作动态: two list pages, the newest item on page 1
    gz = crumbs(("新闻中心", "/xwzx/"), ("工作动态", "/xwzx/gzdt/"))
    s.add(H + "/xwzx/gzdt/", facts("list", crumbs=gz, blocks=[FactBlock("", None, items("g", "2024-06-10", "2024-06-01"))], primary=0), is_home=False, depth=2)
    s.add(H + "/xwzx/gzdt/index_1.html", facts("list", crumbs=gz, blocks=[FactBlock("", None, items("h", "2024-05-20"))], primary=0), is_home=False, depth=3)
    # 图片新闻: stale (newest 20 days before T)
    s.add(H + "/xwzx/tpxw/", facts("list", crumbs=crumbs(("新闻中心", "/xwzx/"), ("图片新闻", "/xwzx/tpxw/")),
                                   blocks=[FactBlock("", None, items("p", "2024-05-26"))], primary=0), is_home=False, depth=2)
    # 通知公告: a first-level column (in the main menu), blank
    s.add(H + "/tzgg/", facts("list", crumbs=crumbs(("通知公告", "/tzgg/")), blank=True), is_home=False, depth=1)
    cols = by_name(s.columns())
    assert set(cols) == {"工作动态", "图片新闻", "通知公告"}  # 新闻中心 is a channel, not measured
    assert (cols["工作动态"]["items"], cols["工作动态"]["latest"], cols["工作动态"]["state"], cols["工作动态"]["list_pages"]) == (3, "2024-06-10", "ok", 2)
    assert (cols["工作动态"]["category"], cols["工作动态"]["first_level"]) == ("news", False)
    assert cols["工作动态"]["parent"] == H + "/xwzx/"
    assert (cols["图片新闻"]["state"], cols["图片新闻"]["newest"]["url"]) == ("stale", H + "/p/art0.html")
    assert (cols["通知公告"]["state"], cols["通知公告"]["first_level"], cols["通知公告"]["items"]) == ("blank", True, 0)


def test_undated_items_are_not_updates_and_future_dates_are_set_aside() -> None:
    s = site()
    s.add(H + "/", home_page(), is_home=True, depth=0)
    s.add(H + "/tzgg/", facts("list", crumbs=crumbs(("通知公告", "/tzgg/")),
                              blocks=[FactBlock("", None, items("n", None, None))], primary=0), is_home=False, depth=1)
    s.add(H + "/xwzx/gzdt/", facts("list", crumbs=crumbs(("工作动态", "/xwzx/gzdt/")),
                                   blocks=[FactBlock("", None, items("f", "2024-07-02", "2024-05-01"))], primary=0),
          is_home=False, depth=1)
    cols = by_name(s.columns())
    assert (cols["通知公告"]["latest"], cols["通知公告"]["state"], cols["通知公告"]["undated_items"]) == (None, "stale", 2)
    news = cols["工作动态"]
    assert (news["latest"], news["state"]) == ("2024-05-01", "stale")  # the item of 2024-07-02 is no update
    assert [i["date"] for i in news["future_items"]] == ["2024-07-02"]


def test_list_filled_by_script_is_unknown_and_not_counted_blank() -> None:
    s = site()
    s.add(H + "/", home_page(), is_home=True, depth=0)
    s.add(H + "/tzgg/", facts("list", crumbs=crumbs(("通知公告", "/tzgg/")), script_list=True), is_home=False, depth=1)
    (col,) = s.columns()
    assert col["state"] == "unknown"
    assert freshness_counts(None, [col], as_of=T)["blank"] == 0


def test_registry_override_and_non_columns() -> None:
    s = site(overrides={"图片新闻": "other", H + "/zwgk/gsgg/": "notice"})
    s.add(H + "/", home_page(), is_home=True, depth=0)
    for name, path, d in (("图片新闻", "/tpxw/", "2024-01-02"), ("公示公告", "/zwgk/gsgg/", "2024-01-02"),
                          ("网站地图", "/wzdt/", None)):
        s.add(H + path, facts("list", crumbs=crumbs((name, path)), blocks=[FactBlock("", None, items(path.strip("/"), d))],
                              primary=0), is_home=False, depth=1)
    cols = by_name(s.columns())
    assert "网站地图" not in cols
    assert (cols["图片新闻"]["category"], cols["图片新闻"]["state"]) == ("other", "ok")
    assert cols["公示公告"]["category"] == "notice"


def test_out_of_scope_menu_entries_are_not_this_sites_columns() -> None:
    s = site()
    nav = (*NAV, ("政务服务", "http://www.zjzwfw.gov.cn/col/col1/"))
    s.add(H + "/", facts("home", nav=nav), is_home=True, depth=0)
    assert all("zjzwfw" not in k for k in s.candidates)


def test_homepage_latest_and_two_week_count() -> None:
    s = site()
    blocks = [FactBlock("要闻", H + "/xwzx/", items("a", "2024-06-14", "2024-06-01", "2024-05-31", None)),
              FactBlock("公告", H + "/tzgg/", items("a", "2024-06-14"))]  # the same URL twice counts once
    s.add(H + "/", home_page(blocks), is_home=True, depth=0)
    home = s.homepage()
    assert (home["latest"], home["items_in_2_weeks"], home["navigation_only"]) == ("2024-06-14", 2, False)


def test_navigation_only_homepage_is_judged_by_second_level_pages() -> None:
    s = site()
    s.add(H + "/", facts("home", nav=NAV), is_home=True, depth=0)
    s.add(H + "/xwzx/", facts("channel", blocks=[FactBlock("工作动态", H + "/xwzx/gzdt/", items("c", "2024-06-03", "2024-05-20"))]),
          is_home=False, depth=1)
    s.add(H + "/xwzx/gzdt/art9.html", facts("article", published="2024-06-14"), is_home=False, depth=1)
    home = s.homepage()
    assert home["navigation_only"] is True
    assert (home["latest"], home["items_in_2_weeks"]) == ("2024-06-03", 1)
    assert home["pages"] == [H + "/xwzx/"]


# --- vetoes -------------------------------------------------------------------------------------


def col(name: str, category: str, state: str, *, first_level: bool = False, latest: str | None = "2023-01-01") -> dict:
    return {"name": name, "url": f"{H}/{name}/", "category": category, "first_level": first_level, "latest": latest,
            "items": 0 if state == "blank" else 3, "state": state, "window_days": 14,
            "newest": None if latest is None else {"title": "t", "url": H + "/x.html", "date": latest},
            "future_items": [], "seen_at": "2024-06-15T09:00:00+08:00"}


@pytest.mark.parametrize(("stale_news", "stale_notice_first", "stale_notice_second", "veto"), [
    (3, 1, 5, False),   # 4: second-level 通知公告 columns do not count (2019: 一级栏目)
    (3, 2, 0, True),    # 5: the veto line
    (5, 0, 0, True),
])
def test_key_columns_veto_counts_news_and_first_level_notice(stale_news, stale_notice_first, stale_notice_second, veto) -> None:
    cols = [col(f"动态{k}", "news", "stale") for k in range(stale_news)]
    cols += [col(f"通知{k}", "notice", "stale", first_level=True) for k in range(stale_notice_first)]
    cols += [col(f"公告{k}", "notice", "stale") for k in range(stale_notice_second)]
    cols += [col("领导信息", "static", "ok")]
    found = freshness_findings(None, cols, load_profile("gov2019"), as_of=T)
    ids = [f.indicator for f in found]
    assert ("veto.columns_not_updated.key" in ids) is veto
    if veto:
        (finding,) = found
        assert finding.veto and finding.measure["count"] == stale_news + stale_notice_first
        assert finding.message.startswith("动态、要闻类栏目") and finding.message.endswith("单项否决")
        assert all(e.url.startswith(H) and "未更新" in e.detail for e in finding.evidence)


def test_blank_and_long_stale_thresholds() -> None:
    profile = load_profile("gov2019")
    four_blank = [col(f"空{k}", "other", "blank", latest=None) for k in range(4)]
    assert freshness_findings(None, four_blank, profile, as_of=T) == []
    five = four_blank + [col("空4", "interaction", "blank", latest=None)]
    (finding,) = freshness_findings(None, five, profile, as_of=T)
    assert (finding.indicator, finding.message) == ("veto.columns_not_updated.blank", "空白栏目5个，单项否决")
    nine = [col(f"人事{k}", "should_update", "stale") for k in range(9)]
    assert freshness_findings(None, nine, profile, as_of=T) == []
    ten = nine + [col("统计数据", "should_update", "stale")]
    assert [f.indicator for f in freshness_findings(None, ten, profile, as_of=T)] == ["veto.columns_not_updated.long_stale"]


def test_homepage_veto_only_when_something_was_read() -> None:
    profile = load_profile("gov2019")
    stale = {"latest": "2024-05-20", "items_in_2_weeks": 0, "navigation_only": False, "items": 8,
             "newest": {"title": "旧闻", "url": H + "/a.html", "date": "2024-05-20"}, "future_items": [], "pages": [H + "/"],
             "seen_at": "2024-06-15T09:30:00+08:00"}
    (finding,) = freshness_findings(stale, [], profile, as_of=T, home_url=H + "/")
    assert finding.indicator == "veto.homepage_not_updated"
    assert "2024-05-20" in finding.message and finding.evidence[0].url == H + "/"
    assert finding.evidence[0].seen_at == "2024-06-15T09:30:00+08:00"  # when a person could have seen it
    fresh = dict(stale, latest="2024-06-01")
    assert freshness_findings(fresh, [], profile, as_of=T) == []
    unread = dict(stale, latest=None, items=0, newest=None)  # a script-built homepage: not checked
    assert freshness_findings(unread, [], profile, as_of=T) == []


def test_forged_dates_need_to_be_after_the_inspection_clock_too() -> None:
    profile = load_profile("gov2019")
    c = col("工作动态", "news", "ok", latest="2024-06-10")
    c["future_items"] = [{"title": "未来", "url": H + "/f.html", "date": "2024-06-20"}]
    # Inspecting today (2024-06-25) as of 2024-06-15: an item of 06-20 may be genuine.
    assert freshness_findings(None, [c], profile, as_of=T, now=date(2024, 6, 25)) == []
    (finding,) = freshness_findings(None, [c], profile, as_of=T, now=T)
    assert finding.indicator == "veto.security.fraud" and "2024-06-20" in finding.evidence[0].detail
