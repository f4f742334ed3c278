"""List blocks and item dates (govinspect.analyze.listitems)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from govinspect.analyze.listitems import ListBlock, extract_list_blocks, latest_item_date

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
SITE = "http://www.qingshan.gov.cn"
T = date(2024, 6, 15)


def blocks_of(name: str, url: str, as_of: date = T) -> list[ListBlock]:
    return extract_list_blocks((PAGES / name).read_text("utf-8"), url, as_of=as_of)


def main_blocks(blocks: list[ListBlock]) -> list[ListBlock]:
    return [b for b in blocks if b.role == "main"]


def rows(block: ListBlock) -> list[tuple[str, str, date | None, str]]:
    return [(i.title, i.url, i.date, i.date_source) for i in block.items]


# --- TRS 通知公告 list --------------------------------------------------------------------------


def test_trs_notice_list_items_and_cut_titles() -> None:
    blocks = blocks_of("trs_tzgg_notice_list.html", SITE + "/xxgk/tzgg/")
    (main,) = main_blocks(blocks)
    assert main.heading == "通知公告"
    assert main.selector == "div.right > ul.list > li"
    assert rows(main)[:3] == [
        # the link text is cut with …/...: the title attribute is the title
        ("青山县人民政府关于2024年夏季防汛防台工作的通知", SITE + "/xxgk/tzgg/202406/t20240612_8812345.html", date(2024, 6, 12), "text"),
        ("关于公布青山县第二批县级非物质文化遗产代表性项目名录的公告", SITE + "/xxgk/tzgg/202406/t20240607_8812301.html", date(2024, 6, 7), "text"),
        ("青山县2024年公开招聘社区工作者公告", SITE + "/xxgk/tzgg/202405/t20240528_8812207.html", date(2024, 5, 28), "text"),
    ]
    assert len(main.items) == 5
    assert latest_item_date(blocks) == date(2024, 6, 12)


def test_trs_chrome_blocks_are_flagged_not_main() -> None:
    blocks = blocks_of("trs_tzgg_notice_list.html", SITE + "/xxgk/tzgg/")
    roles = {b.selector: b.role for b in blocks}
    assert roles["div.nav > ul.w1200 > li"] == "nav"
    assert roles["div.left > ul.subnav > li"] == "nav"
    nav = next(b for b in blocks if b.selector == "div.nav > ul.w1200 > li")
    assert [i.title for i in nav.items][:2] == ["首页", "新闻中心"]  # menus keep 首页
    assert all(i.date is None for i in nav.items)
    friends = next(b for b in blocks if b.heading == "友情链接")
    assert friends.role == "footer"
    # the pager (下一页 尾页) is no list
    assert not any(i.title == "下一页" for b in blocks for i in b.items)


# --- Hanweb table, [MM-DD] across a year boundary --------------------------------------------


def test_hanweb_month_day_cells_across_year_boundary() -> None:
    blocks = blocks_of("hanweb_table_list_md_year_boundary.html", "http://fgj.qingshan.gov.cn/col/col1208/index.html", date(2024, 1, 10))
    (main,) = main_blocks(blocks)
    assert main.selector.endswith("table.lm_list > tr")
    assert main.heading == "工作动态"
    assert [i.date for i in main.items] == [date(2024, 1, 8), date(2024, 1, 3), date(2023, 12, 28), date(2023, 12, 15)]
    # [01-08] beside /art/2024/1/8/…: the URL's year is taken, not guessed
    assert {i.date_source for i in main.items} == {"url_year"}
    assert main.items[0].url == "http://fgj.qingshan.gov.cn/art/2024/1/8/art_1208_77001.html"
    assert latest_item_date(blocks) == date(2024, 1, 8)


def test_month_days_without_url_dates_infer_years_across_the_boundary() -> None:
    html = (PAGES / "hanweb_table_list_md_year_boundary.html").read_text("utf-8")
    html = re.sub(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_", "/module/show.jsp?art=", html)
    blocks = extract_list_blocks(html, "http://fgj.qingshan.gov.cn/col/col1208/index.html", as_of=date(2024, 1, 10))
    (main,) = main_blocks(blocks)
    assert [i.date for i in main.items] == [date(2024, 1, 8), date(2024, 1, 3), date(2023, 12, 28), date(2023, 12, 15)]
    assert {i.date_source for i in main.items} == {"inferred_year"}


def test_month_day_disagreeing_with_the_url_date_keeps_the_shown_date() -> None:
    html = (PAGES / "hanweb_table_list_md_year_boundary.html").read_text("utf-8")
    html = html.replace("/art/2024/1/8/art_", "/art/2024/1/7/art_")  # shown [01-08], URL says 1/7
    blocks = extract_list_blocks(html, "http://fgj.qingshan.gov.cn/col/col1208/index.html", as_of=date(2024, 1, 10))
    (main,) = main_blocks(blocks)
    assert (main.items[0].date, main.items[0].date_source) == (date(2024, 1, 8), "inferred_year")


def test_hanweb_menu_row_is_nav() -> None:
    blocks = blocks_of("hanweb_table_list_md_year_boundary.html", "http://fgj.qingshan.gov.cn/col/col1208/index.html", date(2024, 1, 10))
    nav = [b for b in blocks if b.role == "nav"]
    assert nav and any(i.title == "机构概况" for b in nav for i in b.items)


# --- 政府信息公开目录 table ----------------------------------------------------------------------


def test_xxgk_catalog_uses_publish_date_column() -> None:
    blocks = blocks_of("xxgk_catalog_table_index_no.html", SITE + "/xxgk/")
    (main,) = main_blocks(blocks)
    assert main.heading == "政府信息公开目录"
    # 发布日期 wins over 成文日期; the 索引号 001008003/2024-00123 is no date
    assert rows(main) == [
        ("青山县人民政府关于印发2024年民生实事项目的通知", SITE + "/xxgk/zcwj/art_12345.html", date(2024, 6, 3), "cell"),
        ("青山县人民政府办公室关于加强森林防火工作的通知", SITE + "/xxgk/zcwj/art_12301.html", date(2024, 5, 22), "cell"),
        ("青山县促进民营经济高质量发展若干措施", SITE + "/xxgk/zcwj/art_12250.html", date(2024, 4, 15), "cell"),
    ]


# --- homepage with several blocks --------------------------------------------------------------


@pytest.fixture(scope="module")
def home() -> list[ListBlock]:
    return blocks_of("portal_home_blocks_more_hot_nav.html", SITE + "/")


def test_home_blocks_headings_and_more_links(home: list[ListBlock]) -> None:
    mains = main_blocks(home)
    assert [(b.heading, b.more_url) for b in mains] == [
        ("要闻动态", SITE + "/xwzx/ywdt/"),
        ("通知公告", SITE + "/xxgk/tzgg/"),
    ]
    news = mains[0]
    assert [i.date for i in news.items] == [date(2024, 6, 14), date(2024, 6, 12), date(2024, 6, 5), date(2024, 5, 30)]
    assert news.items[0].date_source == "url_year"  # [06-14] confirmed by t20240614_… in the URL


def test_home_hot_block_is_side_and_ignored_for_latest(home: list[ListBlock]) -> None:
    side = [b for b in home if b.role == "side"]
    assert [b.heading for b in side] == ["热点排行"]
    assert len(side[0].items) == 3
    assert latest_item_date(home) == date(2024, 6, 14)
    # a side block alone says nothing about the column's freshness
    assert latest_item_date(side) is None


def test_home_nav_and_footer(home: list[ListBlock]) -> None:
    nav = [b for b in home if b.role == "nav"]
    assert [i.title for i in nav[0].items] == ["首页", "新闻中心", "政务公开", "政务服务", "互动交流", "走进青山"]
    footer = [b for b in home if b.role == "footer"]
    assert footer and footer[0].more_url is None
    # neither the today's-date widget nor the 2005-2024 copyright becomes an item date
    assert all(i.date is None for b in nav + footer for i in b.items)
    assert all(b.heading != "2024年06月15日 星期六" for b in home)


# --- undated, URL-dated, event dates in titles ---------------------------------------------------


def test_undated_list_items_have_no_date() -> None:
    blocks = blocks_of("undated_list_zcjd.html", SITE + "/xxgk/zcjd/")
    (main,) = main_blocks(blocks)
    assert main.heading == "政策解读"
    assert len(main.items) == 4
    assert all(i.date is None and i.date_source == "none" for i in main.items)
    assert latest_item_date(blocks) is None


def test_dates_only_in_urls() -> None:
    blocks = blocks_of("url_dates_only_list.html", SITE + "/xwzx/bmdt/")
    (main,) = main_blocks(blocks)
    assert [(i.date, i.date_source) for i in main.items] == [
        (date(2024, 6, 12), "url"),
        (date(2024, 6, 3), "url"),
        (date(2024, 5, 21), "url"),
    ]
    assert main.items[0].url == SITE + "/xwzx/bmdt/202406/t20240612_7701.html"


def test_event_dates_in_titles_are_not_item_dates() -> None:
    blocks = blocks_of("policy_list_event_dates_in_titles.html", SITE + "/xxgk/zcwj/")
    (main,) = main_blocks(blocks)
    assert main.items[0].title == "关于2024年7月1日起调整最低工资标准的通知"
    assert [(i.date, i.date_source) for i in main.items] == [
        (date(2024, 6, 12), "cell"),
        (date(2024, 6, 5), "cell"),
        (date(2024, 5, 27), "cell"),
    ]


# --- small structural rules ---------------------------------------------------------------------


def test_future_items_kept_but_not_latest() -> None:
    html = (
        "<html><body><ul class='x'>"
        "<li><a href='/a/1.html'>某项通知甲</a><span>2024-09-01</span></li>"
        "<li><a href='/a/2.html'>某项通知乙</a><span>2024-06-01</span></li>"
        "<li><a href='/a/3.html'>某项通知丙</a><span>2024-05-01</span></li>"
        "</ul></body></html>"
    )
    blocks = extract_list_blocks(html, SITE + "/", as_of=T)
    assert [i.date for i in blocks[0].items][0] == date(2024, 9, 1)
    assert latest_item_date(blocks) == date(2024, 9, 1)
    assert latest_item_date(blocks, as_of=T) == date(2024, 6, 1)


def test_two_dated_siblings_make_a_list_two_undated_do_not() -> None:
    dated = "<div><p><a href='/1.html'>通知一</a> 2024-06-01</p><p><a href='/2.html'>通知二</a> 2024-05-01</p></div>"
    undated = "<div><p><a href='/1.html'>通知一</a></p><p><a href='/2.html'>通知二</a></p></div>"
    assert len(extract_list_blocks(dated, SITE + "/", as_of=T)) == 1
    assert extract_list_blocks(undated, SITE + "/", as_of=T) == []


def test_more_and_attachment_links_are_not_the_main_link() -> None:
    html = (
        "<ul>"
        + "".join(
            f"<li><a href='/d/{k}.html'>文件{k}</a> <a href='/d/{k}.pdf'>附件</a> <a href='/d/{k}.html'>详细</a>"
            f"<span>2024-06-0{k}</span></li>"
            for k in (3, 2, 1)
        )
        + "</ul>"
    )
    (block,) = extract_list_blocks(html, SITE + "/", as_of=T)
    assert [i.url for i in block.items] == [SITE + f"/d/{k}.html" for k in (3, 2, 1)]


def test_hidden_items_are_flagged() -> None:
    html = (
        "<ul>"
        "<li><a href='/1.html'>通知一</a><span>2024-06-01</span></li>"
        "<li style='display:none'><a href='/2.html'>通知二</a><span>2024-05-01</span></li>"
        "<li><a href='/3.html'>通知三</a><span>2024-04-01</span></li>"
        "</ul>"
    )
    (block,) = extract_list_blocks(html, SITE + "/", as_of=T)
    assert [i.hidden for i in block.items] == [False, True, False]


# --- the simulated province -----------------------------------------------------------------------


def test_sandbox_list_pages_match_the_model() -> None:
    """Every list page of the province: the column's own list (as the column checks read it)
    holds exactly the model's entries, with the date a reader can see (in the list, else in
    the article URL, else none)."""
    from govinspect.analyze.pagefacts import page_facts
    from govinspect.sandbox import build_province
    from govinspect.sandbox.truth_columns import _visible_date

    province = build_province(1, 12)
    checked: dict[str, int] = {}
    for site in province.sites:
        for path in site.iter_pages():
            if site.lookup(path).key[0] != "list":
                continue
            spec = site.page_spec(path)
            assert spec is not None
            expected = [(lk.text, lk.url, _visible_date(site, lk)) for lk in spec.entries]
            html = site.render(path)
            assert html is not None
            facts = page_facts(html, site.url(path), as_of=province.as_of)
            got = []
            if facts.primary is not None:
                got = [(i.title, i.url, date.fromisoformat(i.date) if i.date else None)
                       for i in facts.blocks[facts.primary].items]
            assert got == expected, (site.template, path)
            checked[site.template] = checked.get(site.template, 0) + 1
    assert set(checked) == {"trs", "hanweb", "generic", "asp"}
    assert sum(checked.values()) > 200
