"""Freshness facts of single pages (govinspect.analyze.pagefacts): the column's own list,
script-written lists and pagers, menus and footers that are no lists, blank and unknown pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from govinspect.analyze.pagefacts import page_facts, script_pages
from govinspect.crawl.pageanalysis import SCRIPT_PAGER_TAG, analyse_text

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
T = date(2024, 6, 15)


def facts_of(name: str, url: str, *, is_home: bool = False):
    return page_facts((PAGES / name).read_text("utf-8"), url, as_of=T, is_home=is_home)


def own_list(facts) -> list[tuple[str, str | None]]:
    assert facts.primary is not None
    return [(i.url, i.date) for i in facts.blocks[facts.primary].items]


def test_hanweb_datastore_records_are_the_column_list() -> None:
    # Hanweb jpage keeps the entries in <script type="text/xml"><datastore>: a browser shows
    # them; without reading them the column would look blank.
    facts = facts_of("hanweb_jpage_datastore_list.html", "http://www.qingshan.gov.cn/col/col1229012/index.html")
    assert facts.kind == "list"
    assert facts.column_name == "政策文件"
    assert own_list(facts) == [
        ("http://www.qingshan.gov.cn/art/2024/6/7/art_1229012_59093631.html", "2024-06-07"),
        ("http://www.qingshan.gov.cn/art/2024/5/20/art_1229012_59092211.html", "2024-05-20"),
        ("http://www.qingshan.gov.cn/art/2024/4/3/art_1229012_59090018.html", "2024-04-03"),
    ]
    # The left column menu (with the current column marked) is not the column's list.
    assert all("/col/" not in url for b in facts.blocks for url in (i.url for i in b.items))
    assert not facts.blank and not facts.script_list


def test_trs_script_pager_names_every_list_page() -> None:
    url = "http://www.qingshan.gov.cn/xwzx/gzdt/"
    html = (PAGES / "trs_list_createpagehtml_only.html").read_text("utf-8")
    assert script_pages(html, url) == [url + "index.html", url + "index_1.html", url + "index_2.html", url + "index_3.html"]
    analysis = analyse_text(html, "utf-8", url, as_of=T)
    pager = [u for u, tag in zip(analysis.urls, analysis.tags) if tag == SCRIPT_PAGER_TAG]
    assert pager == [url + "index.html", url + "index_1.html", url + "index_2.html", url + "index_3.html"]
    assert analysis.facts is not None and own_list(analysis.facts)[0] == (url + "202406/t20240614_4102231.html", "2024-06-14")


def test_newer_trs_pager_signature_is_read() -> None:
    html = '<div id="page_div"></div><script>createPageHTML("page_div", 3, 1, "index", "shtml", 45);</script>'
    assert script_pages(html, "http://a.gov.cn/zwgk/tzgg/index_1.shtml") == [
        "http://a.gov.cn/zwgk/tzgg/index.shtml", "http://a.gov.cn/zwgk/tzgg/index_1.shtml",
        "http://a.gov.cn/zwgk/tzgg/index_2.shtml",
    ]


def test_empty_asp_column_is_blank_not_a_list_of_menu_or_footer_links() -> None:
    facts = facts_of("asp_table_left_menu_empty_list.html", "http://swj.baiquan.gov.cn/ShowClass.asp?ClassID=24")
    assert facts.kind == "list"
    assert facts.blank  # 没有任何文章
    assert facts.primary is None  # neither the <br> menu nor the footer badges count as entries
    assert facts.breadcrumb[-1] == ("乡村振兴", "http://swj.baiquan.gov.cn/ShowClass.asp?ClassID=24")


def test_list_filled_by_ajax_is_unknown_not_blank() -> None:
    facts = facts_of("ajax_filled_list.html", "http://tjj.qingshan.gov.cn/tjsj/")
    assert facts.primary is None
    assert not facts.blank
    assert facts.script_list


def test_single_undated_entry_of_a_plain_table_is_found() -> None:
    html = (PAGES / "asp_table_left_menu_empty_list.html").read_text("utf-8").replace(
        '<td colspan="3">没有任何文章</td>',
        '<td></td><td><a href="ShowArticle.asp?ArticleID=100123" title="白泉县商务局2023年度人事任免公示">'
        "白泉县商务局2023年度人事任免公示</a></td><td></td>",
    )
    facts = page_facts(html, "http://swj.baiquan.gov.cn/ShowClass.asp?ClassID=24", as_of=T)
    assert own_list(facts) == [("http://swj.baiquan.gov.cn/ShowArticle.asp?ArticleID=100123", None)]


def test_article_page_has_its_publish_date() -> None:
    facts = facts_of("trs_article_breadcrumb_tzgg.html", "http://www.qingshan.gov.cn/xxgk/tzgg/202406/t20240607_8812301.html")
    assert facts.kind == "article"
    assert facts.published == "2024-06-07"
