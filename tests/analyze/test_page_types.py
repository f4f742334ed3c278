"""Page types (govinspect.analyze.pagetype)."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from govinspect.analyze.listitems import extract_list_blocks
from govinspect.analyze.pagetype import KINDS, PageType, classify_page

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
SITE = "http://www.qingshan.gov.cn"
T = date(2024, 6, 15)


def read(name: str) -> str:
    data = (PAGES / name).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gbk")


def kind_of(name: str, url: str, **kw: object) -> PageType:
    return classify_page(read(name), url, as_of=T, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "url", "kind"),
    [
        # homepages: the site root, whatever the page shows
        ("portal_home_trs_gbk.html", SITE + "/", "home"),
        ("portal_home_blocks_more_hot_nav.html", SITE + "/index.html", "home"),
        # column lists: TRS ul/li, Hanweb table, 信息公开目录 table, undated and URL-dated lists
        ("trs_tzgg_notice_list.html", SITE + "/xxgk/tzgg/", "list"),
        ("hanweb_table_list_md_year_boundary.html", "http://fgj.qingshan.gov.cn/col/col1208/index.html", "list"),
        ("xxgk_catalog_table_index_no.html", SITE + "/xxgk/xxgkml/index.html", "list"),
        ("policy_list_event_dates_in_titles.html", SITE + "/zcwj/index.html", "list"),
        ("url_dates_only_list.html", SITE + "/xwzx/gzdt/", "list"),
        ("undated_list_zcjd.html", SITE + "/xxgk/zcjd/index.html", "list"),
        ("base_href_column_list.html", SITE + "/xxgk/tzgg/index.html", "list"),
        # new full pages
        ("article_fbsj_source_paragraphs.html", SITE + "/art/2024/6/12/art_1208_88221.html", "article"),
        ("guide_bszn_table.html", SITE + "/art/2024/3/5/art_1293_70011.html", "guide"),
        ("letters_ldxx_list.html", SITE + "/col/col1307/index.html", "letters"),
        ("search_results_jsearch.html", SITE + "/jsearch/search.do?q=政府工作报告", "search"),
        ("channel_zwgk_eight_blocks.html", SITE + "/col/col1222/index.html", "channel"),
        # nothing to classify: a frameset, a meta-refresh stub
        ("frameset_archive_bureau.html", "http://daj.qingshan.gov.cn/main.asp", "other"),
        ("meta_refresh_moved_column.html", SITE + "/old/tzgg.html", "other"),
    ],
)
def test_fixture_page_kinds(name: str, url: str, kind: str) -> None:
    got = kind_of(name, url)
    assert got.kind == kind, got.reasons
    assert got.kind in KINDS
    assert got.reasons and all(isinstance(r, str) and r for r in got.reasons)


def test_is_home_wins_over_the_url() -> None:
    got = kind_of("portal_home_trs_gbk.html", SITE + "/portal/zwgk.shtml", is_home=True)
    assert got == PageType("home", ["the site's homepage"])


def test_portal_home_off_the_root_reads_as_a_channel() -> None:
    # headed blocks with 更多 links, no pager: without being told it is the homepage
    assert kind_of("portal_home_blocks_more_hot_nav.html", SITE + "/zwgk/").kind == "channel"


def test_search_page_found_by_its_text_and_form_without_a_search_url() -> None:
    got = kind_of("search_results_jsearch.html", SITE + "/s.html?q=1")
    assert got.kind == "search"
    assert "query form" in got.reasons[0]


def test_search_form_on_every_page_is_not_a_search_page() -> None:
    # every fixture page carries a search box pointing at /jsearch/: only the page URL counts
    assert kind_of("article_fbsj_source_paragraphs.html", SITE + "/art/2024/6/12/art_1208_88221.html").kind == "article"


def test_reasons_explain_the_decision() -> None:
    art = kind_of("article_fbsj_source_paragraphs.html", SITE + "/art/2024/6/12/art_1208_88221.html")
    assert any("body text" in r for r in art.reasons)
    assert any("publish line" in r and "发布时间" in r for r in art.reasons)
    guide = kind_of("guide_bszn_table.html", SITE + "/art/2024/3/5/art_1293_70011.html")
    assert "service-guide labels" in guide.reasons[0]
    letters = kind_of("letters_ldxx_list.html", SITE + "/col/col1307/index.html")
    assert "来信时间" in letters.reasons[0]
    lst = kind_of("trs_tzgg_notice_list.html", SITE + "/xxgk/tzgg/")
    assert lst.reasons[0] == "list of 5 items (5 dated)"
    channel = kind_of("channel_zwgk_eight_blocks.html", SITE + "/col/col1222/index.html")
    assert channel.reasons[0].startswith("8 short blocks")


def test_precomputed_blocks_and_tree_give_the_same_answer() -> None:
    html = read("trs_tzgg_notice_list.html")
    url = SITE + "/xxgk/tzgg/"
    blocks = extract_list_blocks(html, url, as_of=T)
    tree = LexborHTMLParser(html)
    assert classify_page(html, url, as_of=T, blocks=blocks, tree=tree) == classify_page(html, url, as_of=T)


def test_article_mentioning_guide_words_in_prose_stays_an_article() -> None:
    html = (
        "<html><body><h1>关于优化办事流程的通知</h1><div>发布时间：2024-06-01 来源：县政务办</div>"
        + "<p>为进一步优化营商环境，申请条件、办理材料和办理地点将统一公布，群众可通过联系电话咨询办理流程等事项，切实提升办事效率。</p>" * 4
        + "</body></html>"
    )
    assert classify_page(html, SITE + "/art/2024/6/1/art_1_2.html", as_of=T).kind == "article"


def test_blank_column_is_a_list() -> None:
    html = (
        "<html><body><div>当前位置：<a href='/'>首页</a> &gt; <a href='/xxgk/rsxx/'>人事信息</a></div>"
        "<div class='list'><p>暂无信息</p></div></body></html>"
    )
    got = classify_page(html, SITE + "/xxgk/rsxx/", as_of=T)
    assert got.kind == "list"


# --- the simulated province -----------------------------------------------------------------------


def test_sandbox_pages_match_the_model() -> None:
    from govinspect.sandbox import build_province
    from govinspect.sandbox.pagesplan import GUIDE_KEYS, LETTER_KEYS

    province = build_province(1, 12)
    confusion: Counter[tuple[str, str]] = Counter()
    wrong = []
    for site in province.sites:
        for path in site.iter_pages():
            expected = site.lookup(path).key[0]
            html = site.render(path)
            assert html is not None
            got = classify_page(html, site.url(path), as_of=province.as_of)
            confusion[(expected, got.kind)] += 1
            spec = site.page_spec(path)
            column = spec.column.key if spec is not None and spec.column is not None else ""
            if column in GUIDE_KEYS and expected == "article":
                expected = "guide"  # 办事指南 pages (sandbox/pagesplan.py)
            elif column in LETTER_KEYS and got.kind == "letters":
                expected = "letters"  # letters lists and letter pages
            if expected in ("home", "list", "article", "channel", "guide") and got.kind != expected:
                wrong.append((site.template, path, expected, got))
    assert wrong == []
    totals = Counter(e for e, _ in confusion.elements())
    assert totals["home"] >= 12 and totals["list"] > 200 and totals["article"] > 500 and totals["channel"] > 50
    assert confusion[("search", "search")] == totals["search"]


def test_extract_reports_page_type_reasons_and_main_items() -> None:
    from datetime import datetime

    from govinspect.extract import analyse_page

    body = (PAGES / "trs_tzgg_notice_list.html").read_bytes()
    out = analyse_page("x", body, "text/html; charset=utf-8", SITE + "/xxgk/tzgg/", datetime(2024, 6, 15))
    assert out["page_type"] == "list"
    assert out["page_type_reasons"][0] == "list of 5 items (5 dated)"
    assert len(out["items"]) == 5
    assert out["items"][0] == {
        "title": "青山县人民政府关于2024年夏季防汛防台工作的通知",
        "url": SITE + "/xxgk/tzgg/202406/t20240612_8812345.html",
        "date": "2024-06-12",
        "date_source": "text",
    }
