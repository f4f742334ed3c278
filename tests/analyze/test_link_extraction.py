"""Link extraction from government pages (govinspect.analyze.links)."""

from __future__ import annotations

from pathlib import Path

import pytest

from govinspect.analyze.links import PageLinks, extract_links, page_title, parse_srcset

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
SITE = "http://www.jyx.gov.cn"


def load(name: str, encoding: str = "utf-8") -> str:
    return (PAGES / name).read_bytes().decode(encoding)


def triples(page: PageLinks) -> set[tuple[str, str, str]]:
    return {(link.tag, link.attr, link.url) for link in page.links}


def by_url(page: PageLinks, url: str, tag: str = "a"):
    return next(link for link in page.links if link.url == url and link.tag == tag)


# --------------------------------------------------------------------------------------------
# a full portal homepage (TRS, GBK)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def portal() -> PageLinks:
    # Government pages are often GB2312/GBK; the fetch layer decodes with GB18030.
    return extract_links(load("portal_home_trs_gbk.html", "gb18030"), f"{SITE}/")


def test_portal_homepage_exact_link_set(portal: PageLinks) -> None:
    assert triples(portal) == {
        # <head>: stylesheet, icon, RSS; not dns-prefetch / preconnect
        ("link", "href", f"{SITE}/images/index.css"),
        ("link", "href", f"{SITE}/favicon.ico"),
        ("link", "href", f"{SITE}/rss.xml"),
        ("script", "src", f"{SITE}/images/jquery.js"),
        ("script", "src", f"{SITE}/images/common.js"),
        # top bar and header
        ("a", "href", f"{SITE}/wza/"),
        ("a", "href", f"{SITE}/english/"),
        ("a", "href", f"{SITE}/"),
        ("img", "src", f"{SITE}/images/logo.png"),
        ("img", "srcset", f"{SITE}/images/logo@2x.png"),
        ("input", "src", f"{SITE}/images/search.gif"),
        # navigation, including the drop-down sub-menu
        ("a", "href", f"{SITE}/zwgk/"),
        ("a", "href", f"{SITE}/zwgk/zfxxgkzn/"),
        ("a", "href", f"{SITE}/zwgk/zfxxgknb/"),
        ("a", "href", f"{SITE}/zwfw/"),
        ("a", "href", f"{SITE}/hdjl/"),
        ("a", "href", f"{SITE}/zjjy/"),
        # banner <picture>
        ("source", "srcset", f"{SITE}/images/banner-2024.webp"),
        ("img", "src", f"{SITE}/images/banner-2024.jpg"),
        # 通知公告 block: 更多 + items (the repeated item with #content is the same link)
        ("a", "href", f"{SITE}/tzgg/"),
        ("a", "href", f"{SITE}/tzgg/202406/t20240612_1234567.html"),
        ("a", "href", f"{SITE}/tzgg/202406/t20240605_1234501.html"),
        ("a", "href", f"{SITE}/tzgg/202405/t20240528_1234400.html"),
        ("a", "href", f"{SITE}/tzgg/202405/P020240520386512345678.pdf"),
        # video, image map, iframe
        ("video", "src", f"{SITE}/video/xuanchuanpian.mp4"),
        ("video", "poster", f"{SITE}/video/poster.jpg"),
        ("img", "src", f"{SITE}/images/zt.jpg"),
        ("area", "href", f"{SITE}/zt/xczx/"),
        ("area", "href", "http://www.gov.cn/zhuanti/2024lh/"),
        ("iframe", "src", f"{SITE}/include/weather.html"),
        # 友情链接: drop-downs and a plain link
        ("option", "value", "http://www.gov.cn/"),
        ("option", "value", "https://www.ndrc.gov.cn/"),
        ("option", "value", "http://www.sc.gov.cn/"),
        ("option", "value", "http://www.mianyang.gov.cn/"),
        ("a", "href", "http://www.jx.gov.cn/"),
        # footer: site map, contact, ICP, 公网安备, 党政机关 mark, 纠错 script
        ("a", "href", f"{SITE}/wzdt/"),
        ("a", "href", f"{SITE}/lxwm/"),
        ("a", "href", "https://beian.miit.gov.cn/"),
        (
            "a",
            "href",
            "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=51072302000123",
        ),
        ("img", "src", f"{SITE}/images/gaba.png"),
        ("a", "href", "https://bszs.conac.cn/sitename?method=show&id=1A2B3C4D5E6F7A8B"),
        ("img", "src", "https://dcs.conac.cn/image/red.png"),
        ("script", "src", "https://zfwzgl.www.gov.cn/exposure/jiucuo.js"),
    }


def test_portal_homepage_skips_non_links_comments_and_script_strings(portal: PageLinks) -> None:
    found = {link.url for link in portal.links}
    for absent in (
        "http://www.old-link.gov.cn/",  # commented out in 友情链接
        f"{SITE}/images/html5shiv.min.js",  # IE conditional comment
        "https://hm.baidu.com/hm.js?5f1a2b3c4d",  # built by a script
        f"{SITE}/from-document-write.html",  # inside document.write
        "http://hm.baidu.com/",  # dns-prefetch
        "https://cdn.jyx.gov.cn/",  # preconnect
        f"{SITE}/search/search.jsp",  # a form action is not a link
    ):
        assert absent not in found
    assert not any(u.startswith(("javascript:", "mailto:", "tel:")) for u in found)


def test_portal_homepage_title_and_anchor_texts(portal: PageLinks) -> None:
    assert portal.title == "锦阳县人民政府"
    assert portal.base_url == f"{SITE}/"
    assert portal.meta_refresh is None
    article = by_url(portal, f"{SITE}/tzgg/202406/t20240612_1234567.html")
    assert article.text == "锦阳县人民政府关于2024年端午节 放假安排的通知"  # whitespace collapsed
    assert by_url(portal, "https://beian.miit.gov.cn/").text == "蜀ICP备05012345号-1"
    assert by_url(portal, f"{SITE}/").text == "锦阳县人民政府"  # logo link: the image's alt
    assert by_url(portal, "http://www.gov.cn/", "option").text == "中国政府网"
    assert by_url(portal, f"{SITE}/images/banner-2024.jpg", "img").text == "锦阳欢迎您"
    assert by_url(portal, "http://www.gov.cn/zhuanti/2024lh/", "area").text == "2024全国两会"


def test_portal_homepage_duplicates_keep_the_first_occurrence(portal: PageLinks) -> None:
    urls = [(link.url, link.tag) for link in portal.links]
    assert len(urls) == len(set(urls))
    # The pinned duplicate of the first notice keeps the text of its first occurrence.
    article = by_url(portal, f"{SITE}/tzgg/202406/t20240612_1234567.html")
    assert "置顶重复" not in article.text
    # Document order is kept.
    assert urls.index((f"{SITE}/wza/", "a")) < urls.index((f"{SITE}/tzgg/", "a"))


def test_portal_homepage_drop_down_menu_links_are_hidden(portal: PageLinks) -> None:
    hidden = {link.url for link in portal.links if link.hidden}
    assert hidden == {f"{SITE}/zwgk/zfxxgkzn/", f"{SITE}/zwgk/zfxxgknb/"}


# --------------------------------------------------------------------------------------------
# frameset, meta refresh, base href
# --------------------------------------------------------------------------------------------


def test_frameset_page_links_are_its_frames() -> None:
    page = extract_links(load("frameset_archive_bureau.html"), f"{SITE}/old/index.htm")
    assert triples(page) == {
        ("frame", "src", f"{SITE}/old/top.htm"),
        ("frame", "src", f"{SITE}/old/left.asp?id=3"),
        ("frame", "src", f"{SITE}/main/welcome.htm"),
    }
    assert page.title == "锦阳县档案局"


def test_meta_refresh_page_reports_its_target() -> None:
    page = extract_links(load("meta_refresh_moved_column.html"), f"{SITE}/zwgk/index.htm")
    assert page.meta_refresh == f"{SITE}/xxgk/index.html"
    assert triples(page) == {
        ("meta", "content", f"{SITE}/xxgk/index.html"),
        ("a", "href", f"{SITE}/xxgk/index.html"),
    }


@pytest.mark.parametrize(
    ("content", "target"),
    [
        ("0;url=/a.html", f"{SITE}/a.html"),
        ("0; URL=/a.html", f"{SITE}/a.html"),
        ("0;URL = '/a.html'", f"{SITE}/a.html"),
        ('3; url="http://www.sc.gov.cn/"', "http://www.sc.gov.cn/"),
        ("0,url=b.html", f"{SITE}/zwgk/b.html"),
        ("0 ; url=b.html", f"{SITE}/zwgk/b.html"),
        ("1.5; b.html", f"{SITE}/zwgk/b.html"),
        ("0;url='/a.html' trailing", f"{SITE}/a.html"),
        ("5", None),
        ("0;", None),
        ("url=/a.html", None),  # browsers ignore a refresh without a delay
        ("0;url=javascript:alert(1)", None),
    ],
)
def test_meta_refresh_content_forms(content: str, target: str | None) -> None:
    attr = f"content='{content}'" if '"' in content else f'content="{content}"'
    html = f'<html><head><meta http-equiv="REFRESH" {attr}></head><body></body></html>'
    page = extract_links(html, f"{SITE}/zwgk/index.html")
    assert page.meta_refresh == target
    assert triples(page) == ({("meta", "content", target)} if target else set())


def test_meta_refresh_with_unquoted_attributes() -> None:
    html = "<html><head><meta http-equiv=refresh content=0;url=/new/index.html></head></html>"
    assert extract_links(html, f"{SITE}/").meta_refresh == f"{SITE}/new/index.html"


def test_base_href_changes_the_base_of_every_link() -> None:
    page = extract_links(load("base_href_column_list.html"), f"{SITE}/zwgk/zcwj/list/index.html")
    assert page.base_url == f"{SITE}/zwgk/zcwj/"  # relative base resolved; the second is ignored
    assert triples(page) == {
        ("link", "href", f"{SITE}/css/list.css"),
        ("link", "href", f"{SITE}/zwgk/zcwj/index.html"),  # canonical
        ("a", "href", f"{SITE}/"),
        ("a", "href", f"{SITE}/zwgk/"),
        ("a", "href", f"{SITE}/zwgk/zcwj/"),
        ("a", "href", f"{SITE}/zwgk/zcwj/202406/t20240611_2233445.html"),
        ("a", "href", f"{SITE}/zwgk/zcwj/202405/t20240530_2233001.html"),
        ("a", "href", f"{SITE}/zwgk/zcwj/?page=2"),
        ("img", "src", f"{SITE}/zwgk/zcwj/images/banner.png"),
    }


def test_base_href_applies_to_meta_refresh() -> None:
    html = (
        '<html><head><base href="http://www.sc.gov.cn/sub/">'
        '<meta http-equiv="refresh" content="0;url=x.html"></head></html>'
    )
    assert extract_links(html, f"{SITE}/").meta_refresh == "http://www.sc.gov.cn/sub/x.html"


def test_unusable_base_href_is_ignored() -> None:
    html = (
        '<html><head><base target="_blank"><base href="javascript:void(0)">'
        '<base href="http://wrong.example.com/"></head><body><a href="a.html">a</a></body></html>'
    )
    page = extract_links(html, f"{SITE}/zwgk/index.html")
    assert page.base_url == f"{SITE}/zwgk/index.html"
    assert triples(page) == {("a", "href", f"{SITE}/zwgk/a.html")}


# --------------------------------------------------------------------------------------------
# comments, scripts, malformed markup
# --------------------------------------------------------------------------------------------


def test_links_in_comments_scripts_and_textareas_are_not_links() -> None:
    page = extract_links(load("commented_and_scripted_links.html"), f"{SITE}/test/")
    assert triples(page) == {
        ("a", "href", f"{SITE}/new/visible-1.html"),
        ("a", "href", f"{SITE}/new/visible-2.html"),
        ("a", "href", f"{SITE}/new/visible-3.html"),
        # <noscript> content is markup for a client without JS, as this crawler is
        ("img", "src", f"{SITE}/stat/noscript-pixel.gif"),
        # data-src is only fetched by JS: the placeholder is the link
        ("img", "src", f"{SITE}/images/placeholder.gif"),
    }


def test_malformed_attributes_do_not_crash_and_resolve_like_a_browser() -> None:
    page = extract_links(load("malformed_attributes.html"), f"{SITE}/zwgk/list/index.html")
    assert page.title == "锦阳县 政府信息公开"
    assert triples(page) == {
        ("a", "href", f"{SITE}/zwgk/a.html"),
        ("a", "href", f"{SITE}/zwgk/b.html"),
        ("a", "href", f"{SITE}/zwgk/c.html"),
        ("a", "href", f"{SITE}/zwgk/d.html"),
        ("a", "href", f"{SITE}/zwgk/e.html"),  # newline inside the attribute removed
        ("a", "href", f"{SITE}/list.jsp?cid=1&pid=2"),  # &amp; decoded by the parser
        ("a", "href", f"{SITE}/list.jsp?cid=3&copy=4"),  # "&copy=" is not an entity there
        ("a", "href", f"{SITE}/ZWGK/F.HTML"),  # path case is significant
        ("a", "href", f"{SITE}/zwgk/g.html"),  # first of duplicate attributes
        (
            "a",
            "href",
            f"{SITE}/zwgk/%E4%B8%AD%E6%96%87%E7%9B%AE%E5%BD%95/%E6%96%87%E4%BB%B6%201.html",
        ),
        ("a", "href", f"{SITE}/zwgk/h.html"),
        ("a", "href", f"{SITE}/zwgk/i.jsp?id=9"),  # jsessionid stripped
        ("a", "href", f"{SITE}/xxgk/index.html"),  # ..\..\ backslashes
        ("a", "href", f"{SITE}/zwgk/j.html"),  # too many ../ clamped at the root
        ("a", "href", f"{SITE}/zwgk/k.html"),  # scheme-relative
        ("img", "src", f"{SITE}/images/a%252zb.jpg"),  # stray % escaped
        ("a", "href", f"{SITE}/zwgk/m.html"),  # unclosed tag
        # the quote left open until the end of the file swallows the rest, as in browsers
    }


def test_empty_and_degenerate_documents() -> None:
    for html in ("", "   ", "<html>", "<a href=", "<<<>>>", "\x00\x01", "<a href='x"):
        page = extract_links(html, f"{SITE}/")
        assert page.links == [] or all(link.url.startswith(SITE) for link in page.links)
    assert extract_links("", f"{SITE}/").title == ""


def test_selfclosing_and_uppercase_tags() -> None:
    html = '<HTML><BODY><A HREF="/A.html">A</A><IMG SRC="/i.gif"/><IFRAME SRC="/f.html"/></BODY></HTML>'
    assert triples(extract_links(html, f"{SITE}/")) == {
        ("a", "href", f"{SITE}/A.html"),
        ("img", "src", f"{SITE}/i.gif"),
        ("iframe", "src", f"{SITE}/f.html"),
    }


# --------------------------------------------------------------------------------------------
# element coverage
# --------------------------------------------------------------------------------------------


def test_every_supported_element_and_attribute() -> None:
    html = """<html><head>
    <link rel="stylesheet" href="/s.css"><link rel="icon" href="/i.ico">
    <link rel="apple-touch-icon" href="/t.png"><link rel="preload" href="/p.woff2" as="font">
    <link rel="alternate" hreflang="en" href="/en/"><link rel="canonical" href="/c.html">
    <link rel="dns-prefetch" href="//dns.example.com"><link rel="preconnect" href="https://pc.example.com">
    <link rel="prefetch" href="/prefetch.html"><link rel="next" href="/index_1.html"><link href="/norel.css">
    <script src="/s.js"></script><script>var x = "/inline.js";</script>
    </head><body>
    <a href="/a.html">a</a><area href="/area.html"><iframe src="/iframe.html"></iframe>
    <img src="/img.png" srcset="/img-1x.png 1x, /img-2x.png 2x" data-src="/lazy.png" alt="图">
    <picture><source srcset="/s-480.webp 480w, /s-800.webp 800w" media="(min-width: 600px)"><img src="/p.jpg"></picture>
    <embed src="/e.swf"><object data="/o.pdf"></object>
    <video src="/v.mp4" poster="/v.jpg"><source src="/v.webm"></video><audio src="/a.mp3"></audio>
    <input type="image" src="/btn.gif"><input type="text" src="/not-an-image.gif">
    <select><option value="1">一</option><option value="/relative">相对</option><option value="https://www.gov.cn/">国</option></select>
    <form action="/submit.jsp"></form>
    </body></html>"""
    page = extract_links(html, f"{SITE}/")
    assert triples(page) == {
        ("link", "href", f"{SITE}/s.css"),
        ("link", "href", f"{SITE}/i.ico"),
        ("link", "href", f"{SITE}/t.png"),
        ("link", "href", f"{SITE}/p.woff2"),
        ("link", "href", f"{SITE}/en/"),
        ("link", "href", f"{SITE}/c.html"),
        ("script", "src", f"{SITE}/s.js"),
        ("a", "href", f"{SITE}/a.html"),
        ("area", "href", f"{SITE}/area.html"),
        ("iframe", "src", f"{SITE}/iframe.html"),
        ("img", "src", f"{SITE}/img.png"),
        ("img", "srcset", f"{SITE}/img-1x.png"),
        ("img", "srcset", f"{SITE}/img-2x.png"),
        ("source", "srcset", f"{SITE}/s-480.webp"),
        ("source", "srcset", f"{SITE}/s-800.webp"),
        ("img", "src", f"{SITE}/p.jpg"),
        ("embed", "src", f"{SITE}/e.swf"),
        ("object", "data", f"{SITE}/o.pdf"),
        ("video", "src", f"{SITE}/v.mp4"),
        ("video", "poster", f"{SITE}/v.jpg"),
        ("source", "src", f"{SITE}/v.webm"),
        ("audio", "src", f"{SITE}/a.mp3"),
        ("input", "src", f"{SITE}/btn.gif"),
        ("option", "value", "https://www.gov.cn/"),
    }


def test_same_url_under_different_tags_is_kept_per_tag() -> None:
    html = (
        '<a href="/logo.png">大图</a><img src="/logo.png" alt="标志"><a href="/logo.png">again</a>'
    )
    page = extract_links(html, f"{SITE}/")
    assert [(link.tag, link.text) for link in page.links] == [("a", "大图"), ("img", "标志")]


def test_anchor_text_is_collapsed_and_truncated() -> None:
    long = "关于" + "政府信息公开" * 30
    html = f'<a href="/a.html">\n  {long}\n</a><a href="/b.html" title="标题">  </a>'
    page = extract_links(html, f"{SITE}/")
    assert page.links[0].text == long[:100]
    assert page.links[1].text == "标题"


def test_empty_first_text_is_filled_by_a_later_occurrence() -> None:
    html = '<a href="/a.html"><img src="/x.gif"></a><a href="/a.html">政务公开</a>'
    assert by_url(extract_links(html, f"{SITE}/"), f"{SITE}/a.html").text == "政务公开"


# --------------------------------------------------------------------------------------------
# srcset
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("srcset", "urls"),
    [
        ("a.jpg 1x, b.jpg 2x", ["a.jpg", "b.jpg"]),
        ("a.jpg", ["a.jpg"]),
        ("  a.jpg   480w ,b.jpg 800w  ", ["a.jpg", "b.jpg"]),
        (
            "a.jpg,b.jpg",
            ["a.jpg,b.jpg"],
        ),  # no whitespace: one URL with a comma, as browsers read it
        ("a.jpg, b.jpg", ["a.jpg", "b.jpg"]),
        ("a,1.jpg 1x, b,2.jpg 2x", ["a,1.jpg", "b,2.jpg"]),
        ("a.jpg,, ,b.jpg 2x", ["a.jpg", "b.jpg"]),
        ("a.jpg 100w (max-width: 1px, weird), b.jpg", ["a.jpg", "b.jpg"]),
        ("data:image/png;base64,AAA= 1x, c.jpg 2x", ["data:image/png;base64,AAA=", "c.jpg"]),
        ("", []),
        (" , , ", []),
    ],
)
def test_parse_srcset(srcset: str, urls: list[str]) -> None:
    assert parse_srcset(srcset) == urls


def test_srcset_data_urls_are_skipped() -> None:
    html = '<img srcset="data:image/gif;base64,R0lGOD 1x, /real.png 2x">'
    assert triples(extract_links(html, f"{SITE}/")) == {("img", "srcset", f"{SITE}/real.png")}


# --------------------------------------------------------------------------------------------
# hidden
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "hidden"),
    [
        ('<a href="/x.html" style="display:none">x</a>', True),
        ('<a href="/x.html" style="DISPLAY : NONE">x</a>', True),
        ('<a href="/x.html" style="visibility: hidden">x</a>', True),
        ('<a href="/x.html" hidden>x</a>', True),
        ('<div style="font-size:0"><a href="/x.html">x</a></div>', True),
        ('<div style="font-size: 0px;"><a href="/x.html">x</a></div>', True),
        ('<div style="height:0;overflow:hidden"><a href="/x.html">x</a></div>', True),
        ('<div style="position:absolute;left:-9999px;top:0"><a href="/x.html">x</a></div>', True),
        ('<div style="position: absolute; top: -999px"><a href="/x.html">x</a></div>', True),
        ('<div style="display:none"><ul><li><p><a href="/x.html">x</a></p></li></ul></div>', True),
        (
            '<div style="display:none"><ul><li><p><span><a href="/x.html">x</a></span></p></li></ul></div>',
            False,
        ),
        ('<div style="font-size:0.8em"><a href="/x.html">x</a></div>', False),
        ('<div style="line-height:0;overflow:hidden"><a href="/x.html">x</a></div>', False),
        ('<div style="height:0"><a href="/x.html">x</a></div>', False),
        ('<div style="position:absolute;left:-10px"><a href="/x.html">x</a></div>', False),
        ('<div style="left:-9999px"><a href="/x.html">x</a></div>', False),
        ('<div style="color:red"><a href="/x.html">x</a></div>', False),
        ('<div class="hidden"><a href="/x.html">x</a></div>', False),  # stylesheets not evaluated
    ],
)
def test_hidden_first_pass(markup: str, hidden: bool) -> None:
    page = extract_links(f"<html><body>{markup}</body></html>", f"{SITE}/")
    assert [(link.url, link.hidden) for link in page.links] == [(f"{SITE}/x.html", hidden)]


def test_a_link_visible_anywhere_is_not_hidden() -> None:
    html = '<ul style="display:none"><li><a href="/x.html">x</a></li></ul><a href="/x.html">x</a>'
    assert extract_links(html, f"{SITE}/").links[0].hidden is False


def test_hidden_spam_block_of_an_injected_page() -> None:
    # The classic SEO-spam injection on hacked county sites: links in an off-screen div.
    html = (
        '<div style="position:absolute;top:-10000px;left:-10000px">'
        '<a href="http://spam.example.com/a">博彩</a><a href="http://spam.example.com/b">彩票</a></div>'
        '<a href="/zwgk/">政务公开</a>'
    )
    page = extract_links(html, f"{SITE}/")
    assert [(link.url, link.hidden) for link in page.links] == [
        ("http://spam.example.com/a", True),
        ("http://spam.example.com/b", True),
        (f"{SITE}/zwgk/", False),
    ]


# --------------------------------------------------------------------------------------------
# title helper
# --------------------------------------------------------------------------------------------


def test_page_title_helper() -> None:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser("<html><head><title>\n 政务公开 _ 锦阳县 \n</title></head></html>")
    assert page_title(tree) == "政务公开 _ 锦阳县"
    assert page_title(LexborHTMLParser("<p>无标题</p>")) == ""


def test_page_url_is_normalised_before_use() -> None:
    page = extract_links('<a href="b.html">b</a>', "HTTP://WWW.JYX.GOV.CN:80/a/index.html#top")
    assert page.base_url == f"{SITE}/a/index.html"
    assert triples(page) == {("a", "href", f"{SITE}/a/b.html")}


_INVENTORY_PAGE = """<!DOCTYPE html><html><head><title>安平县人民政府</title><base href="/xxgk/">
<base target="_blank"><meta name="keywords" content="政务公开"><meta name="description">
<meta content="no name"><style>.nav{color:#333}</style><script src="/js/jquery.js"></script>
<script>var a = 1;</script></head><body>
<iframe src="/ad.html"></iframe><iframe name="empty"></iframe><frame src="/f.html">
<marquee style="display:none"><a href="http://spam.example/">博彩</a></marquee>
<template><p>模板</p></template><svg><title>图标</title></svg>
<div hidden><style>.x{}</style></div></body></html>"""


@pytest.mark.parametrize("name", ["portal_home_trs_gbk.html", "frameset_archive_bureau.html", "malformed_attributes.html",
                                  "commented_and_scripted_links.html", "base_href_column_list.html", ""])
def test_the_walk_collects_what_integrity_analysis_reads(name: str) -> None:
    # One walk of the tree serves links and integrity: its inventory must be exactly what
    # `tree.css(INVENTORY)` gives, in document order, and the links must not change.
    from selectolax.lexbor import LexborHTMLParser

    from govinspect.analyze.illegal import INVENTORY
    from govinspect.net.decoding import decode_body

    html = decode_body((PAGES / name).read_bytes(), "text/html")[0] if name else _INVENTORY_PAGE
    tree = LexborHTMLParser(html)
    with_inventory = extract_links(html, "http://www.anping.gov.cn/a/b.html", tree=tree, inventory=True)
    plain = extract_links(html, "http://www.anping.gov.cn/a/b.html", tree=tree)
    assert with_inventory.inventory is not None and plain.inventory is None
    assert [n.mem_id for n in with_inventory.inventory] == [n.mem_id for n in tree.css(INVENTORY)]
    assert with_inventory.links == plain.links and with_inventory.title == plain.title
    assert with_inventory.page_url == "http://www.anping.gov.cn/a/b.html"
