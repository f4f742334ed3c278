"""Column categories and page-level column signals (govinspect.analyze.columns)."""

from __future__ import annotations

from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from govinspect.analyze.columns import (
    CATEGORIES,
    ColumnSignals,
    column_signals,
    load_column_rules,
    normalize_column_name,
)

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
QS = "http://www.qingshan.gov.cn"
RULES = load_column_rules()


def signals_of(name: str, url: str, encoding: str = "utf-8") -> ColumnSignals:
    return column_signals((PAGES / name).read_bytes().decode(encoding), url)


# --------------------------------------------------------------------------------------------
# categories
# --------------------------------------------------------------------------------------------

# Column names as they appear on county, city and department portals.
REAL_NAMES = [
    # news — 动态要闻, 2 weeks
    ("工作动态", "news"),
    ("部门动态", "news"),
    ("乡镇动态", "news"),
    ("基层动态", "news"),
    ("图片新闻", "news"),
    ("要闻动态", "news"),
    ("今日要闻", "news"),
    ("新闻中心", "news"),
    ("媒体聚焦", "news"),
    ("领导活动", "news"),
    ("政务动态", "news"),
    ("机构动态", "news"),
    ("教育动态", "news"),
    # notice — 通知公告, 6 months
    ("通知公告", "notice"),
    ("公示公告", "notice"),
    ("公告公示", "notice"),
    ("通知", "notice"),
    ("公示", "notice"),
    ("通告", "notice"),
    # policy — 政策文件, 6 months
    ("政策文件", "policy"),
    ("规范性文件", "policy"),
    ("政府文件", "policy"),
    ("政策法规", "policy"),
    ("政府公报", "policy"),
    ("县政府文件", "policy"),
    ("部门文件", "policy"),
    # should_update — 1 year
    ("政策解读", "should_update"),
    ("文件解读", "should_update"),
    ("图文解读", "should_update"),
    ("回应关切", "should_update"),
    ("人事信息", "should_update"),
    ("人事任免", "should_update"),
    ("招考录用", "should_update"),
    ("规划计划", "should_update"),
    ("发展规划", "should_update"),
    ("财政预决算", "should_update"),
    ("财政资金", "should_update"),
    ("部门预决算", "should_update"),
    ("统计数据", "should_update"),
    ("统计信息", "should_update"),
    ("统计公报", "should_update"),
    ("数据发布", "should_update"),
    ("政府信息公开年报", "should_update"),
    ("政府信息公开年度报告", "should_update"),
    ("建议提案办理", "should_update"),
    ("重点领域信息公开", "should_update"),
    ("政府采购", "should_update"),
    ("政府工作报告", "should_update"),
    # static
    ("机构职能", "static"),
    ("机构设置", "static"),
    ("领导信息", "static"),
    ("领导之窗", "static"),
    ("县情概况", "static"),
    ("走进青山", "static"),
    ("联系我们", "static"),
    ("网站地图", "static"),
    ("政府信息公开指南", "static"),
    ("政府信息公开制度", "static"),
    # interaction
    ("领导信箱", "interaction"),
    ("县长信箱", "interaction"),
    ("在线咨询", "interaction"),
    ("咨询投诉", "interaction"),
    ("网上留言", "interaction"),
    ("互动交流", "interaction"),
    ("征集调查", "interaction"),
    ("意见征集", "interaction"),
    ("在线访谈", "interaction"),
    # service
    ("办事服务", "service"),
    ("办事指南", "service"),
    ("网上办事", "service"),
    ("便民服务", "service"),
    ("政务服务", "service"),
    ("依申请公开", "service"),
    # other
    ("专题专栏", "other"),
    ("政务公开", "other"),
    ("政府信息公开", "other"),
    ("首页", "other"),
    ("友情链接", "other"),
    ("", "other"),
]


@pytest.mark.parametrize(("name", "category"), REAL_NAMES)
def test_categorize_real_names(name: str, category: str) -> None:
    assert RULES.categorize(name) == category


@pytest.mark.parametrize(
    ("name", "category", "beats"),
    [
        ("政策解读", "should_update", "政策 → policy"),
        ("政策文件解读", "should_update", "文件 → policy"),
        ("领导信箱", "interaction", "领导 → static"),
        ("领导活动", "news", "领导 → static"),
        ("统计公报", "should_update", "公报 → policy"),
        ("政府信息公开年报", "should_update", "信息公开 → other"),
        ("人事任免通知", "should_update", "通知 → notice"),
        ("部门动态", "news", "部门 → static"),
        ("政策咨询", "interaction", "政策 → policy"),
    ],
)
def test_precedence_specific_before_broad(name: str, category: str, beats: str) -> None:
    assert RULES.categorize(name) == category, beats


@pytest.mark.parametrize(
    "name", ["【通知公告】", " 通知 公告 ", "通知公告>>", "·通知公告", "通知公告 更多", "通知&nbsp;公告"]
)
def test_decorated_names(name: str) -> None:
    assert RULES.categorize(name) == "notice"


def test_normalize_column_name() -> None:
    assert normalize_column_name("【 政策　文件 】 »") == "政策文件"


def test_windows() -> None:
    assert RULES.window_days("news") == 14
    assert RULES.window_days("notice") == 183
    assert RULES.window_days("policy") == 183
    assert RULES.window_days("should_update") == 365
    for cat in ("static", "interaction", "service", "other"):
        assert RULES.window_days(cat) is None
    assert RULES.categories == CATEGORIES
    with pytest.raises(KeyError):
        RULES.window_days("nonsense")


def test_default_rules_are_cached() -> None:
    assert load_column_rules() is load_column_rules()
    hash(RULES)  # frozen and hashable: usable as a cache key


def test_override_by_name() -> None:
    overrides = {"专题专栏": "news", "【政务动态】": "static"}
    assert RULES.categorize("专题专栏", overrides=overrides) == "news"
    assert RULES.categorize("政务动态", overrides=overrides) == "static"
    assert RULES.categorize("工作动态", overrides=overrides) == "news"  # untouched


def test_override_by_url_normalised_and_beats_name() -> None:
    overrides = {
        "http://www.qingshan.gov.cn/xxgk/zxwj/": "policy",
        "工作动态": "other",
        "HTTP://WWW.QINGSHAN.GOV.CN/bmdt/index.html": "static",
    }
    # 最新信息 matches no rule (other): only the URL override makes it policy.
    assert RULES.categorize("最新信息", url=f"{QS}/xxgk/zxwj/index.html", overrides=overrides) == "policy"
    assert RULES.categorize("最新信息", url=f"{QS}/xxgk/other/", overrides=overrides) == "other"
    # A URL key wins over a name key.
    assert RULES.categorize("工作动态", url=f"{QS}/bmdt/", overrides=overrides) == "static"
    assert RULES.categorize("工作动态", url=f"{QS}/gzdt/", overrides=overrides) == "other"
    # Without a url argument URL keys never match.
    assert RULES.categorize("最新信息", overrides=overrides) == "other"


def test_override_with_unknown_category_raises() -> None:
    with pytest.raises(ValueError, match="nope"):
        RULES.categorize("工作动态", overrides={"工作动态": "nope"})


def test_load_custom_rules_file(tmp_path: Path) -> None:
    text = (Path(__file__).resolve().parents[2] / "src/govinspect/data/columns.yaml").read_text("utf-8")
    custom = text.replace("window_days: 365", "window_days: 730")
    custom += "\n  - category: news\n    regex: ['^本地.+$']\n"
    path = tmp_path / "columns.yaml"
    path.write_text(custom, "utf-8")
    rules = load_column_rules(path)
    assert rules.window_days("should_update") == 730
    assert rules.categorize("本地看点") == "news"
    assert RULES.categorize("本地看点") == "other"  # the cached default is untouched


def test_rules_file_with_unknown_category_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    text = (Path(__file__).resolve().parents[2] / "src/govinspect/data/columns.yaml").read_text("utf-8")
    path.write_text(text + "\n  - category: newz\n    contains: [x]\n", "utf-8")
    with pytest.raises(ValueError, match="newz"):
        load_column_rules(path)


# --------------------------------------------------------------------------------------------
# breadcrumbs
# --------------------------------------------------------------------------------------------


def test_trs_list_page_breadcrumb_meta_nav_subnav() -> None:
    s = signals_of("trs_tzgg_notice_list.html", f"{QS}/xxgk/tzgg/index.html")
    assert s.breadcrumb == [("首页", f"{QS}/"), ("政务公开", f"{QS}/xxgk/"), ("通知公告", f"{QS}/xxgk/tzgg/")]
    assert s.column_name == "通知公告"  # ColumnName, not ColumnType
    assert s.column_url_hint == f"{QS}/xxgk/tzgg/"
    assert [n for n, _ in s.nav] == ["首页", "新闻中心", "政务公开", "办事服务", "互动交流"]
    assert s.sub_nav == [
        ("通知公告", f"{QS}/xxgk/tzgg/"),
        ("政策文件", f"{QS}/xxgk/zcwj/"),
        ("人事信息", f"{QS}/xxgk/rsxx/"),
        ("财政预决算", f"{QS}/xxgk/czyjs/"),
    ]


def test_trs_article_breadcrumb_with_span_separators_and_text_tail() -> None:
    s = signals_of("trs_article_breadcrumb_tzgg.html", f"{QS}/xxgk/tzgg/202406/t20240607_8812301.html")
    assert s.breadcrumb == [
        ("首页", f"{QS}/"),
        ("政务公开", f"{QS}/xxgk/"),
        ("通知公告", f"{QS}/xxgk/tzgg/"),
        ("正文", None),
    ]
    assert s.column_url_hint == f"{QS}/xxgk/tzgg/"  # the column holding the article
    assert s.column_name == "通知公告"
    # <nav> with hidden drop-downs: first-level entries only.
    assert [n for n, _ in s.nav] == ["首页", "新闻中心", "政务公开", "办事服务", "互动交流", "走进青山"]
    assert ("要闻动态", f"{QS}/xwzx/ywdt/") not in s.nav
    assert s.sub_nav == []  # a drop-down of the main menu is not a column menu


def test_hanweb_breadcrumb_gtgt_label_in_own_cell() -> None:
    site = "http://www.baisha.gov.cn"
    s = signals_of("hanweb_column_list_gtgt_rsxx.html", f"{site}/col/col1456/index.html")
    assert s.breadcrumb == [
        ("首页", f"{site}/index.html"),
        ("政务公开", f"{site}/col/col1203/index.html"),
        ("人事信息", f"{site}/col/col1456/index.html"),
    ]
    assert s.column_name == "人事信息"
    assert s.column_url_hint == f"{site}/col/col1456/index.html"
    # A table-cell menu of bare links separated by |.
    assert [n for n, _ in s.nav] == ["网站首页", "走进白沙", "新闻动态", "政务公开", "办事服务", "互动交流"]
    assert [n for n, _ in s.sub_nav] == ["通知公告", "政策文件", "人事信息", "规划计划", "财政资金"]
    assert [RULES.categorize(n) for n, _ in s.sub_nav] == [
        "notice",
        "policy",
        "should_update",
        "should_update",
        "should_update",
    ]


def test_plain_text_breadcrumb_raquo() -> None:
    site = "http://zrzyj.qingshan.gov.cn"
    s = signals_of("plain_text_breadcrumb_gsgg.html", f"{site}/gsgg/")
    assert s.breadcrumb == [("首页", None), ("信息公开", None), ("公示公告", None)]
    assert s.column_url_hint is None
    assert s.column_name is None
    assert len(s.nav) == 6 and s.nav[2] == ("政务动态", f"{site}/zwdt/")
    assert [n for n, _ in s.sub_nav] == ["政策文件", "公示公告", "规划计划", "统计信息"]  # <aside>


def test_hanweb_fixture_with_entities_and_base_href() -> None:
    s = signals_of("hanweb_table_list_md_year_boundary.html", f"{QS}/col/col1208/index.html")
    assert [n for n, _ in s.breadcrumb] == ["首页", "新闻动态", "工作动态"]
    assert s.column_name == "工作动态"
    s = signals_of("base_href_column_list.html", f"{QS}/a/b.html")
    assert s.breadcrumb[-1] == ("政策文件", f"{QS}/zwgk/zcwj/")  # resolved against <base href>


def page(body: str, head: str = "") -> str:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize(
    "body",
    [
        '<div class="dqwz">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政务公开</a> &gt; <a href="/xxgk/tzgg/">通知公告</a></div>',
        '<div>您现在的位置：<a href="/">首页</a>&gt;&gt;<a href="/xxgk/">政务公开</a>&gt;&gt;<a href="/xxgk/tzgg/">通知公告</a></div>',
        '<p>您的位置: <a href="/">首页</a> » <a href="/xxgk/">政务公开</a> » <a href="/xxgk/tzgg/">通知公告</a></p>',
        '<span>位置：<a href="/">首页</a> → <a href="/xxgk/">政务公开</a> → <a href="/xxgk/tzgg/">通知公告</a></span>',
        '<div>当前位置：<a href="/">首页</a> / <a href="/xxgk/">政务公开</a> / <a href="/xxgk/tzgg/">通知公告</a></div>',
        '<div>所在位置：<a href="/">首页</a> - <a href="/xxgk/">政务公开</a> - <a href="/xxgk/tzgg/">通知公告</a></div>',
        # double-escaped separators show as the literal text "&gt;"
        '<div>当前位置：<a href="/">首页</a> &amp;gt; <a href="/xxgk/">政务公开</a> &amp;gt; <a href="/xxgk/tzgg/">通知公告</a></div>',
        # separator inside the link text, label in a <b>
        '<div class="crumbs"><b>您当前的位置：</b><a href="/">首页 &gt;</a><a href="/xxgk/">政务公开 &gt;</a><a href="/xxgk/tzgg/">通知公告</a></div>',
        # no label: a breadcrumb named by its class only
        '<div class="breadcrumb"><a href="/">首页</a><span>&gt;</span><a href="/xxgk/">政务公开</a><span>&gt;</span><a href="/xxgk/tzgg/">通知公告</a></div>',
    ],
)
def test_breadcrumb_forms(body: str) -> None:
    s = column_signals(page(body), f"{QS}/xxgk/tzgg/index.html")
    assert s.breadcrumb == [("首页", f"{QS}/"), ("政务公开", f"{QS}/xxgk/"), ("通知公告", f"{QS}/xxgk/tzgg/")]
    assert s.column_url_hint == f"{QS}/xxgk/tzgg/"


@pytest.mark.parametrize(
    "body",
    [
        "<div>当前位置：首页 &gt; 政务公开 &gt; 通知公告</div>",
        "<div>当前位置：首页&gt;&gt;政务公开&gt;&gt;通知公告</div>",
        "<div>当前位置：首页/政务公开/通知公告</div>",
        "<div>当前位置：首页 - 政务公开 - 通知公告</div>",
        "<div>  当前位置 ：  首页  ＞  政务公开  ＞  通知公告  </div>",
    ],
)
def test_plain_text_breadcrumb_forms(body: str) -> None:
    s = column_signals(page(body), f"{QS}/xxgk/tzgg/")
    assert s.breadcrumb == [("首页", None), ("政务公开", None), ("通知公告", None)]
    assert s.column_url_hint is None


def test_breadcrumb_with_only_home_linked() -> None:
    s = column_signals(page('<div>当前位置：<a href="/">首页</a> &gt; 政策解读</div>'), f"{QS}/zcjd/")
    assert s.breadcrumb == [("首页", f"{QS}/"), ("政策解读", None)]
    assert s.column_url_hint is None  # 首页 is not a column


def test_no_breadcrumb_from_prose_or_long_regions() -> None:
    prose = "<p>本项目所在位置：青山县白沙镇东侧，总用地面积12亩，" + "规划建设内容包括道路、绿化等。" * 20 + "</p>"
    s = column_signals(page(prose), f"{QS}/")
    assert s.breadcrumb == []
    assert column_signals(page("<p>欢迎访问</p>"), f"{QS}/").breadcrumb == []


def test_column_name_meta_only() -> None:
    head = '<meta name="ColumnType" content="政策文件"><meta name="columnname" content=" 政策 解读 ">'
    assert column_signals(page("", head), f"{QS}/").column_name == "政策 解读"
    assert column_signals(page("", '<meta name="ColumnType" content="政策文件">'), f"{QS}/").column_name is None
    assert column_signals(page("", '<meta name="ColumnName" content="">'), f"{QS}/").column_name is None


# --------------------------------------------------------------------------------------------
# navigation menus
# --------------------------------------------------------------------------------------------


def test_homepage_menu_by_id() -> None:
    s = signals_of("portal_home_blocks_more_hot_nav.html", f"{QS}/")
    assert s.nav == [
        ("首页", f"{QS}/"),
        ("新闻中心", f"{QS}/xwzx/"),
        ("政务公开", f"{QS}/xxgk/"),
        ("政务服务", f"{QS}/bsfw/"),
        ("互动交流", f"{QS}/hdjl/"),
        ("走进青山", f"{QS}/zjqs/"),
    ]
    assert s.breadcrumb == [] and s.sub_nav == []


def test_gbk_homepage_menu_first_level_only() -> None:
    site = "http://www.jyx.gov.cn"
    s = signals_of("portal_home_trs_gbk.html", f"{site}/", encoding="gbk")
    assert s.column_name == "首页"
    assert [n for n, _ in s.nav] == ["首页", "政务公开", "政务服务", "互动交流", "走进锦阳"]
    assert all("zfxxgk" not in u for _, u in s.nav)  # the hidden drop-down stays out
    assert s.sub_nav == []


def test_top_toolbar_and_footer_menus_are_not_main_nav() -> None:
    body = (
        '<div class="topnav"><a href="/wza/">无障碍</a> <a href="/en/">English</a> <a href="/m/">移动版</a></div>'
        '<ul class="menu-list"><li><a href="/">首页</a></li><li><a href="/xwzx/">新闻中心</a></li>'
        '<li><a href="/zwgk/">政务公开</a></li></ul>'
        '<footer><ul class="footnav"><li><a href="/lxwm/">联系我们</a></li><li><a href="/wzdt/">网站地图</a></li>'
        '<li><a href="/sm/">免责声明</a></li></ul></footer>'
    )
    s = column_signals(page(body), f"{QS}/")
    assert [n for n, _ in s.nav] == ["首页", "新闻中心", "政务公开"]


def test_shared_tree_is_not_reparsed() -> None:
    html = (PAGES / "trs_tzgg_notice_list.html").read_text("utf-8")
    tree = LexborHTMLParser(html)
    shared = column_signals("", f"{QS}/xxgk/tzgg/index.html", tree=tree)  # html unused with a tree
    assert shared == column_signals(html, f"{QS}/xxgk/tzgg/index.html")
