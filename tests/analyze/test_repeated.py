"""What a site repeats is looked at once (analyze/repeated.py): the integrity facts of a page are
the same whether it is analysed first or after other pages of its site, in any order."""

from __future__ import annotations

import random
from datetime import date

import pytest
from selectolax.lexbor import LexborHTMLParser

from govinspect.analyze import repeated
from govinspect.analyze.illegal import INVENTORY, body_text, code_free_text, html_without_code
from govinspect.analyze.integrity import IntegrityHit, page_integrity
from govinspect.analyze.misstatements import _default_terms
from govinspect.analyze.privacy import is_valid_id_number

AS_OF = date(2024, 6, 15)
SITE = "http://www.qingshan.gov.cn"
HOSTS = frozenset({"www.qingshan.gov.cn"})


def make_id(region: str, birth: str, seq: str) -> str:
    """A valid resident ID number (GB 11643 check character)."""
    body = region + birth + seq
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


ID1 = make_id("430104", "19650312", "021")
ID2 = make_id("430104", "19481107", "013")

# A statistics script and a menu script as county sites carry them on every page.
_STATS = (
    "<script>var _hmt = _hmt || [];(function() {var hm = document.createElement('script');"
    "hm.src = 'https://hm.baidu.com/hm.js?0123456789abcdef';var s = document.getElementsByTagName('script')[0];"
    "s.parentNode.insertBefore(hm, s);})();</script>"
)


def site_page(title: str, crumb: str, content: str, footer_note: str = "") -> str:
    """A county government page: header, menu, breadcrumb, content, footer (the same around
    every page of the site)."""
    menu = "".join(
        f'<li><a href="/col/col{n}/index.html">{name}</a></li>'
        for n, name in enumerate(["首页", "新闻中心", "政务公开", "政务服务", "互动交流", "专题专栏", "走进青山"], 1000)
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}-青山县人民政府</title>
<style>.nav li{{float:left;width:120px}} .sub{{display:none}} .footer{{color:#666;font-size:12px;padding:20px 0}}</style>
</head><body>
<div class="header"><div class="logo">青山县人民政府</div><div class="search"><input name="q"></div></div>
<ul class="nav">{menu}</ul>
<div class="crumb">您当前的位置：<a href="/">首页</a> &gt; {crumb}</div>
<div class="main">{content}</div>
<div class="footer"><p>主办：青山县人民政府办公室　承办：青山县大数据中心</p>
<p>地址：青山县城关镇人民路1号　电话：0731-88123456　{footer_note}</p>
<p>湘ICP备05001234号　湘公网安备43012102000123号　网站标识码：4301210001</p></div>
{_STATS}
</body></html>"""


def article(title: str, text: str, footer_note: str = "") -> str:
    return site_page(
        title,
        "新闻中心 &gt; 工作动态",
        f"<h1>{title}</h1><div class='info'>发布日期：2024-06-12　来源：县政府办</div><div class='content'>{text}</div>",
        footer_note,
    )


def pages() -> list[tuple[str, str]]:
    """A dozen pages of one site with each kind of problem somewhere, and clean ones."""
    table = "".join(
        f"<tr><td>{i}</td><td>{n}</td><td>{idn}</td><td>{tel}</td><td>城关镇花园村</td></tr>"
        for i, (n, idn, tel) in enumerate([("张三", ID1, "13807311234"), ("李秀英", ID2, "15973112345")], 1)
    )
    out = [
        ("/", site_page("首页", "首页", "<ul>" + "".join(f"<li><a href='/art/{i}.html'>青山县召开第{i}次常务会议</a></li>" for i in range(1, 9)) + "</ul>")),
        ("/art/1.html", article("青山县召开安全生产工作会议", "<p>会议强调，要压紧压实安全生产责任，坚决防范遏制重特大事故。</p>")),
        ("/art/2.html", article("县委理论学习中心组专题学习", "<p>会议要求，全县党员干部要深入学习贯彻习近平新时代中国特色社会主意思想，切实把思想和行动统一起来。</p>")),
        # The title next to a leader's name starts where this page parts from the one before:
        # the name is in the shared beginning, its title in the new part.
        ("/art/3.html", article("国务院常务会议精神传达", "<p>国务院总理李强主持召开国务院常务会议。</p>")),
        ("/art/4.html", article("国务院常务会议精神传达", "<p>国务院副总理李强主持召开国务院常务会议。</p>")),
        ("/art/5.html", article("低保对象名单公示", f"<p>现将新增城乡低保对象名单公示如下：</p><table><tr><td>序号</td><td>户主姓名</td><td>身份证号码</td><td>联系电话</td><td>家庭住址</td></tr>{table}</table>")),
        # An ID number that starts in what the page shares with the one before (a masked one).
        ("/art/6.html", article("临时救助对象公示", f"<p>户主：王建国　身份证号：{ID1[:6]}********{ID1[-4:]}</p>")),
        ("/art/7.html", article("临时救助对象公示", f"<p>户主：王建国　身份证号：{ID1}</p>")),
        ("/art/8.html", article("关于做好防汛工作的通知", "<p>秘密★1年</p><p>各乡镇人民政府：请做好防汛应急值守工作。</p>")),
        ("/art/9.html", article("青山县开展文明城市创建工作",
                                "<p>全县上下齐心协力。</p><div style='position:absolute;top:-999px'>"
                                "<a href='http://www.amxpj8.com/'>澳门新葡京</a><a href='http://www.bet365-88.com/'>bet365</a></div>")),
        ("/art/10.html", article("县政府召开常务会议", "<p>会议研究部署了城乡环境整治工作。</p>")),
        ("/art/11.html", article("县长接待日活动", "<p>县长在信访接待室接待来访群众12批次。</p>")),
    ]
    return [(SITE + path, html) for path, html in out]


def analyse(url: str, html: str, hosts: frozenset[str] = HOSTS) -> tuple[IntegrityHit, ...]:
    result = page_integrity(html, url, tree=LexborHTMLParser(html), as_of=AS_OF, is_home=url.endswith(".cn/"), site_hosts=hosts)
    assert result.errors == ()
    return result.hits


def cold(site: list[tuple[str, str]], hosts: frozenset[str] = HOSTS) -> dict[str, tuple[IntegrityHit, ...]]:
    out = {}
    for url, html in site:
        repeated.clear()
        out[url] = analyse(url, html, hosts)
    repeated.clear()
    return out


@pytest.fixture(autouse=True)
def _fresh() -> None:
    repeated.clear()


def test_every_problem_is_found_on_a_cold_start() -> None:
    hits = cold(pages())
    kinds = {url.rsplit("/", 1)[-1]: sorted({(h.area, h.kind) for h in found}) for url, found in hits.items()}
    assert kinds["2.html"] == [("text_errors", "formulation")]
    assert kinds["3.html"] == []
    assert kinds["4.html"] == [("text_errors", "leader_name")]
    assert ("privacy", "id_number") in kinds["5.html"] and ("privacy", "mobile") in kinds["5.html"]
    assert kinds["6.html"] == []
    assert kinds["7.html"] == [("privacy", "id_number")]
    assert kinds["8.html"] == [("secret", "classified")]
    assert ("illegal", "hidden_link") in kinds["9.html"]
    for clean in ("", "1.html", "10.html", "11.html"):
        assert kinds[clean] == [], clean


@pytest.mark.parametrize("seed", [None, 1, 2, 3, 4])
def test_same_hits_whatever_the_order_of_the_pages(seed: int | None) -> None:
    site = pages()
    expected = cold(site)
    order = list(site)
    if seed is None:
        order.reverse()
    else:
        random.Random(seed).shuffle(order)
    # Twice over: the second round meets every page with its site's pages kept.
    for _ in range(2):
        for url, html in order:
            assert analyse(url, html) == expected[url], url


def test_a_problem_in_the_repeated_footer_is_reported_on_every_page() -> None:
    wrong = "根据《中华人民共国宪法》制定本办法。"
    site = [
        (f"{SITE}/art/{i}.html", article(f"青山县召开第{i}次常务会议", f"<p>会议研究部署了第{i}项重点工作。</p>", wrong))
        for i in range(1, 7)
    ]
    expected = cold(site)
    for url, html in site:
        found = analyse(url, html)
        assert found == expected[url]
        assert [(h.area, h.found) for h in found] == [("text_errors", "中华人民共国")], url


def test_kept_pages_are_not_shared_between_sites() -> None:
    site = pages()
    for url, html in site[:4]:
        analyse(url, html)
    assert {key[0] for key in repeated._STORE} == {"www.qingshan.gov.cn"}
    # The same pages under another host (a mirror inspected as its own site) start afresh.
    other = [(url.replace("www.qingshan.gov.cn", "www.qingshan.cn"), html) for url, html in site]
    other_hosts = frozenset({"www.qingshan.cn"})
    expected = cold(other, other_hosts)
    for url, html in site[:4]:
        analyse(url, html)
    for url, html in other:
        assert analyse(url, html, other_hosts) == expected[url]
    assert {key[0] for key in repeated._STORE} == {"www.qingshan.gov.cn", "www.qingshan.cn"}


def test_memory_is_bounded_however_many_sites() -> None:
    html = article("青山县召开安全生产工作会议", "<p>会议强调，要压紧压实安全生产责任。</p>" * 20)
    for n in range(repeated._HOSTS + 20):
        for i in range(repeated._PAGES + 3):
            # Pages of one site that share little: each is kept, the oldest dropped.
            analyse(f"http://www.x{n}.gov.cn/art/{i}.html", html.replace("安全生产", f"第{i}{n}项安全生产" * (i + 1)),
                    frozenset({f"www.x{n}.gov.cn"}))
    assert len(repeated._STORE) <= repeated._HOSTS
    assert all(len(known.pages) <= repeated._PAGES for known in repeated._STORE.values())
    assert repeated._CHARS[0] == sum(known.chars for known in repeated._STORE.values())
    assert repeated._CHARS[0] <= repeated._MAX_CHARS


def test_first_looks_read_the_page_without_its_long_scripts_and_styles() -> None:
    html = article("县政府召开常务会议", "<p>会议研究部署了城乡环境整治工作。</p><script>var s='" + "x" * 200 + "';</script>")
    tree = LexborHTMLParser(html)
    text = code_free_text(tree, tree.css(INVENTORY))
    assert text is not None
    assert "x" * 200 not in text and "hm.baidu.com" not in text
    assert "会议研究部署了城乡环境整治工作。" in text and "湘ICP备05001234号" in text
    # What is left is the body's text with those scripts cut out at their text nodes.
    whole = body_text(tree)
    assert whole is not None and whole.replace("\n", "").startswith(text.replace("\n", "")[:40])
    assert len(text) < len(whole)


def test_code_a_table_cell_may_read_is_kept() -> None:
    cell = "<table><tr><td>联系电话</td><td><script>document.write('13807311234')</script></td></tr></table>"
    tree = LexborHTMLParser(site_page("公示", "公示", cell))
    text = code_free_text(tree, tree.css(INVENTORY))
    assert text is not None and "13807311234" in text


def test_valid_ids_used_here_are_valid() -> None:
    assert is_valid_id_number(ID1, as_of=AS_OF) and is_valid_id_number(ID2, as_of=AS_OF)


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        # A leader's name in the start both pages share, its wrong title in the new part.
        ("<p>李强总理主持召开国务院常务会议。</p>", "<p>李强副总理主持召开国务院常务会议。</p>", ("text_errors", "leader_name")),
        # An ID number whose first digits are shared with a masked one.
        (f"<p>户主：王建国　身份证号：{ID1[:6]}********{ID1[-4:]}</p>", f"<p>户主：王建国　身份证号：{ID1}</p>",
         ("privacy", "id_number")),
        # A spam term whose first characters are shared.
        ("<p>澳门旅游，港珠澳大桥一日游。</p>", "<p>澳门新葡京，注册送彩金，百家乐，欢迎加入。</p>", ("illegal", "spam_content")),
        # A classification mark after the shared start.
        ("<p>秘书处：请各单位做好值守工作。</p>", "<p>秘密★1年</p><p>请各单位做好值守工作。</p>", ("secret", "classified")),
    ],
)
def test_a_problem_straddling_what_the_page_shares_with_a_kept_one_is_found(
    before: str, after: str, expected: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = (f"{SITE}/art/a.html", article("临时救助对象公示", before))
    second = (f"{SITE}/art/b.html", article("临时救助对象公示", after))
    want = cold([first, second])
    assert want[first[0]] == ()
    assert expected in {(h.area, h.kind) for h in want[second[0]]}
    colds: list[int] = []
    real_cold = repeated._cold
    monkeypatch.setattr(repeated, "_cold", lambda *a, **k: colds.append(1) or real_cold(*a, **k))
    assert analyse(*first) == ()
    assert analyse(*second) == want[second[0]]
    assert len(colds) == 1  # the second page was read against the first, kept one


def test_the_link_prefilter_skips_script_bodies_but_not_links() -> None:
    long_script = "<script>var links = ['//www.amxpj8.com/', 'HREF'];" + "var x = 1;" * 20 + "</script>"
    tree_html = article("青山县召开安全生产工作会议", "<p>会议强调安全生产。</p>" + long_script)
    tree = LexborHTMLParser(tree_html)
    cut = html_without_code(tree_html, tree.css(INVENTORY))
    assert "amxpj8" not in cut and "hm.baidu.com" not in cut
    assert '<a href="/col/col1000/index.html">首页</a>' in cut
    # A link-farm host only inside a script is no link of the page; one in a visible link is.
    assert analyse(SITE + "/art/x.html", tree_html) == ()
    with_link = tree_html.replace("<p>会议强调安全生产。</p>", "<p>会议强调安全生产。<a href='http://www.amxpj8.com/'>更多</a></p>")
    assert [(h.area, h.kind, h.target) for h in analyse(SITE + "/art/y.html", with_link)] == [
        ("illegal", "spam_content", "http://www.amxpj8.com/")
    ]


def test_a_body_the_tree_reads_otherwise_is_left_in_the_html() -> None:
    script = "<script>var a = '" + "y" * 80 + "';</script>"
    html = "<html><body><p>正文</p>" + script + "</body></html>"
    tree = LexborHTMLParser(html)
    assert html_without_code(html, tree.css(INVENTORY)) == "<html><body><p>正文</p><script></script></body></html>"
    crlf = html.replace("var a", "\r\nvar a")
    tree = LexborHTMLParser(crlf)
    assert "y" * 80 not in html_without_code(crlf, tree.css(INVENTORY))
    # The same text in an attribute before the script is never what is cut.
    decoy = "<html><body><p title=\"var a = '" + "y" * 80 + "';\">x</p>" + script + "</body></html>"
    tree = LexborHTMLParser(decoy)
    assert html_without_code(decoy, tree.css(INVENTORY)).startswith("<html><body><p title=\"var a = '" + "y" * 80)


def test_spam_terms_in_capitals_are_seen_by_the_shared_first_look() -> None:
    terms = _default_terms()
    assert terms.spam_forms
    assert terms.look("欢迎访问BET365官网") == (False, True)
    assert terms.look("县政府召开常务会议") == (False, False)
    assert terms.look("\u0130stanbul") == (False, None)  # İ lower-cases to two characters
    page = article("青山县召开常务会议", "<p>澳门新葡京、BET365，注册送彩金，百家乐，欢迎加入。</p>")
    assert ("illegal", "spam_content") in {(h.area, h.kind) for h in cold([(SITE + "/art/z.html", page)])[SITE + "/art/z.html"]}
