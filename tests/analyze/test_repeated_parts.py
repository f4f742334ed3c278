"""The parts every page of a site repeats (footer, menus, labels) are read once and reused:
the caches are bounded, keyed by the exact content, and never make a page's facts depend on
which pages were analysed before it. The one-pass word scan answers like the separate tests."""

import re
from datetime import date
from pathlib import Path

import pytest

from govinspect.analyze import columns, footer
from govinspect.analyze.columns import column_signals
from govinspect.analyze.footer import footer_rules, page_footer
from govinspect.analyze.guides import looks_like_guide
from govinspect.analyze.labels import Vocabulary
from govinspect.analyze.letters import looks_like_letters
from govinspect.analyze.pagescan import NOT_FOUND_SCAN, PAGER_HINTS, scan_page
from govinspect.crawl.pageanalysis import analyse_page
from govinspect.crawl.verdicts import looks_like_not_found
from govinspect.net.decoding import decode_body

FIXTURES = Path(__file__).parent.parent / "fixtures"
PAGES = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".html", ".htm"))

FOOTER_A = (
    "<div class='foot'><p>主办单位：锦阳县人民政府办公室 网站标识码：5107230001</p>"
    "<p>蜀ICP备05012345号-1 川公网安备51072302000123号</p><a href='/sitemap.html'>网站地图</a></div>"
)
FOOTER_B = (
    "<div class='foot'><p>主办：白泉县商务局 网站标识码：3311270012</p>"
    "<p>浙ICP备71493884号-1 联系电话：0571-88886666</p></div>"
)


def _page(body: str, foot: str) -> str:
    return f"<html><head><title>t</title></head><body>{body}{foot}</body></html>"


def _clear() -> None:
    footer_rules()["_region_cache"].clear()
    columns._MENU_MEMO.clear()
    columns._NAMES_MEMO.clear()


def test_footer_marks_do_not_depend_on_the_pages_read_before():
    a, b = _page("<p>通知一</p>", FOOTER_A), _page("<p>通知二</p>", FOOTER_B)
    _clear()
    alone_a = page_footer(a)
    _clear()
    alone_b = page_footer(b)
    assert alone_a.site_code == "5107230001" and alone_a.sitemap and alone_a.organiser == "锦阳县人民政府办公室"
    assert alone_b.site_code == "3311270012" and not alone_b.sitemap and alone_b.contact == "0571-88886666"
    for order in ([a, b, a, b], [b, a, b, a]):
        _clear()
        assert [page_footer(p) for p in order] == [alone_a if p is a else alone_b for p in order]


def test_footer_region_cache_stays_bounded():
    _clear()
    for i in range(footer.REGION_CACHE_MAX + 50):
        page_footer(_page("", FOOTER_A.replace("5107230001", f"51072{i:05d}")))
    assert 0 < len(footer_rules()["_region_cache"]) <= footer.REGION_CACHE_MAX


def test_long_footer_regions_and_menus_are_read_but_not_kept():
    _clear()
    # Markers 4,000 characters apart over 24,000 characters: one long footer cluster.
    big_region = _page("", ("<p>版权所有</p>" + "页脚文字" * 1000) * 6 + FOOTER_A)
    assert len(footer._footer_region(big_region, 2500) or "") > footer.REGION_CACHE_MAX_CHARS
    assert page_footer(big_region).site_code == "5107230001"
    assert footer_rules()["_region_cache"] == {}
    links = "".join(f"<li><a href='/c{k}/'>栏目{k}</a></li>" for k in range(3))
    big_menu = f"<div class='menu'><ul>{links}</ul>{'<p>说明</p>' * 3000}</div>"
    assert len(column_signals(_page(big_menu, ""), "http://www.a.gov.cn/").nav) == 3
    assert columns._MENU_MEMO == {}


def _region_by_whole_page_scan(page: str) -> str | None:
    """The footer region as the regex over the whole page finds it (the reference)."""
    conf = footer_rules()
    positions = [m.start() for m in conf["_markers"].finditer(page)]
    if not positions:
        return None
    start = positions[-1]
    for pos in reversed(positions[:-1]):
        if start - pos > footer.MARKER_GAP:
            break
        start = pos
    return page[max(0, start - int(conf["lead_chars"])) :]


@pytest.mark.parametrize("gap", [100, 3000, 5999, 6000, 6001, 9000])
def test_footer_region_from_the_tail_equals_the_whole_page_scan(gap: int):
    filler = "正文内容，" * 4000  # 20,000 characters before the footer
    # A chain of markers `gap` apart reaching back out of the scanned tail.
    chain = "".join(f"<p>版权所有{'字' * gap}</p>" for _ in range(4))
    for page in (_page(filler, FOOTER_A), _page(filler + chain, FOOTER_A), _page(chain + filler, FOOTER_B)):
        assert footer._footer_region(page, 2500) == _region_by_whole_page_scan(page)
        positions = scan_page(page).footer_markers
        assert footer._footer_region(page, 2500, positions) == _region_by_whole_page_scan(page)


def test_badges_found_in_any_case_before_and_after_chinese_text():
    jiucuo = "<script id='_jiucuo_' sitecode='5107230001' src='https://ZFWZGL.WWW.GOV.CN/exposure/jiucuo.js'></script>"
    page = _page("正文" * 3000 + "<span id='_ideConac'></span>", jiucuo + FOOTER_A + "结尾" * 10)
    f = page_footer(page)
    assert f.conac and f.zhaocuo and f.zhaocuo_site_code == "5107230001"
    # U+212A (KELVIN SIGN) lowers to an ASCII "k": such a page takes the str.lower() path,
    # which must say the same.
    assert page_footer(page.replace("结尾", "\u212a", 1))[3:6] == f[3:6]


def test_menu_links_are_resolved_against_each_page_that_shows_the_menu():
    menu = (
        "<div class='nav'><ul><li><a href='../zwgk/'>政务公开</a></li><li><a href='tzgg/'>通知公告</a></li>"
        "<li><a href='/bsfw/'>办事服务</a></li></ul></div>"
    )
    html = _page(menu + "<p>正文</p>", "")
    _clear()
    one = column_signals(html, "http://www.a.gov.cn/x/y/1.html").nav
    two = column_signals(html, "http://www.a.gov.cn/p/2.html").nav
    assert one == [("政务公开", "http://www.a.gov.cn/x/zwgk/"), ("通知公告", "http://www.a.gov.cn/x/y/tzgg/"),
                   ("办事服务", "http://www.a.gov.cn/bsfw/")]
    assert two == [("政务公开", "http://www.a.gov.cn/zwgk/"), ("通知公告", "http://www.a.gov.cn/p/tzgg/"),
                   ("办事服务", "http://www.a.gov.cn/bsfw/")]
    _clear()
    assert column_signals(html, "http://www.a.gov.cn/p/2.html").nav == two  # same without the cache


def test_menu_cache_stays_bounded():
    _clear()
    for i in range(columns._MENU_MEMO_MAX + 20):
        menu = "".join(f"<li><a href='/c{i}-{k}/'>栏目{k}</a></li>" for k in range(3))
        column_signals(_page(f"<div class='menu'><ul>{menu}</ul></div>", ""), "http://www.a.gov.cn/")
    assert 0 < len(columns._MENU_MEMO) <= columns._MENU_MEMO_MAX


def test_vocabulary_reading_is_remembered_within_bounds_and_equals_the_plain_tests():
    vocab = Vocabulary.build({"phone": ["联系电话", "电话"], "name": ["事项名称"]}, stop=["备注"])
    texts = ["联系电话", "一、联系电话：0571-1", "电话: 1", "事项名称", "x" * 40, "", "备注：无", "电 话：2"]
    for t in texts * 2:
        name = vocab.exact(t) if len(t) <= 30 else None
        assert vocab.read(t) == (name, vocab.inline(t) if name is None else None)
    for i in range(20_000):
        vocab.read(f"文本{i}")
    assert len(vocab.memo) <= 16_384


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_one_pass_scan_answers_like_each_separate_test(page: Path):
    html, _ = decode_body(page.read_bytes(), None)
    for text in (html, html + "页面不存在", "页面不存在" + html, html.replace("<body", "<body><textarea></textarea")):
        scan = scan_page(text)
        assert scan.letters == looks_like_letters(text)
        assert scan.guide == looks_like_guide(text)
        assert scan.not_found == looks_like_not_found(text[:NOT_FOUND_SCAN], limit=NOT_FOUND_SCAN)
        assert scan.pager_hint == any(h in text for h in PAGER_HINTS)
        assert scan.footer_markers == [m.start() for m in footer_rules()["_markers"].finditer(text)]


def test_page_analysis_does_not_depend_on_page_order():
    pages = [(p, f"http://www.{'ab'[i % 2]}.gov.cn/{p.parent.name}/{p.name}") for i, p in enumerate(PAGES)]

    def run(order: list[tuple[Path, str]]) -> dict[str, object]:
        _clear()
        return {url: analyse_page(p.read_bytes(), None, url, as_of=date(2024, 6, 15),
                                  site_hosts=frozenset({re.sub(r"^http://|/.*$", "", url)}))
                for p, url in order}

    forward = run(pages)
    assert run(pages[::-1]) == forward
    assert run(pages[1::2] + pages[::2]) == forward
