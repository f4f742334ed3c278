"""URL canonicalisation, joining, scope and link kinds (govinspect.crawl.urls)."""

from __future__ import annotations

import itertools
import random
from urllib.parse import urljoin

import pytest

from govinspect.crawl import urls
from govinspect.crawl.urls import (
    Scope,
    host_of,
    is_probably_html,
    join_url,
    link_kind_by_extension,
    normalize_url,
    site_key,
)

# --------------------------------------------------------------------------------------------
# normalize_url
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # case, default ports, fragment, empty path
        ("HTTP://WWW.JYX.GOV.CN/Index.html", "http://www.jyx.gov.cn/Index.html"),
        ("http://www.jyx.gov.cn:80/a.html", "http://www.jyx.gov.cn/a.html"),
        ("https://www.jyx.gov.cn:443/a.html", "https://www.jyx.gov.cn/a.html"),
        ("http://www.jyx.gov.cn:443/a.html", "http://www.jyx.gov.cn:443/a.html"),
        ("https://www.jyx.gov.cn:80/", "https://www.jyx.gov.cn:80/"),
        ("http://www.jyx.gov.cn:08080/", "http://www.jyx.gov.cn:8080/"),
        ("http://www.jyx.gov.cn:/a", "http://www.jyx.gov.cn/a"),
        ("http://www.jyx.gov.cn", "http://www.jyx.gov.cn/"),
        ("http://www.jyx.gov.cn?a=1", "http://www.jyx.gov.cn/?a=1"),
        ("http://www.jyx.gov.cn/a.html#content", "http://www.jyx.gov.cn/a.html"),
        ("http://www.jyx.gov.cn/a.html?x=1#p?y", "http://www.jyx.gov.cn/a.html?x=1"),
        ("http://www.jyx.gov.cn./a", "http://www.jyx.gov.cn/a"),
        # whitespace as browsers treat it
        ("  http://www.jyx.gov.cn/a.html \n", "http://www.jyx.gov.cn/a.html"),
        ("http://www.jyx.gov.cn/zw\ngk/a\t.html\r", "http://www.jyx.gov.cn/zwgk/a.html"),
        # dot segments, clamped at the root
        ("http://www.jyx.gov.cn/a/./b/../c.html", "http://www.jyx.gov.cn/a/c.html"),
        ("http://www.jyx.gov.cn/../../c.html", "http://www.jyx.gov.cn/c.html"),
        ("http://www.jyx.gov.cn/a/b/..", "http://www.jyx.gov.cn/a/"),
        ("http://www.jyx.gov.cn/a/%2E%2e/b", "http://www.jyx.gov.cn/b"),
        ("http://www.jyx.gov.cn/a/.hidden/b", "http://www.jyx.gov.cn/a/.hidden/b"),
        # backslashes in the path (and after the scheme) are slashes
        ("http://www.jyx.gov.cn\\xxgk\\index.html", "http://www.jyx.gov.cn/xxgk/index.html"),
        ("http:\\\\www.jyx.gov.cn\\a.html", "http://www.jyx.gov.cn/a.html"),
        # percent-encoding
        (
            "http://www.jyx.gov.cn/%7e%41bc/%e4%b8%ad.html",
            "http://www.jyx.gov.cn/~Abc/%E4%B8%AD.html",
        ),
        (
            "http://www.jyx.gov.cn/中文/文件 1.pdf",
            "http://www.jyx.gov.cn/%E4%B8%AD%E6%96%87/%E6%96%87%E4%BB%B6%201.pdf",
        ),
        (
            "http://www.jyx.gov.cn/s?q=锦阳 县",
            "http://www.jyx.gov.cn/s?q=%E9%94%A6%E9%98%B3%20%E5%8E%BF",
        ),
        ("http://www.jyx.gov.cn/100%/a%zz%4", "http://www.jyx.gov.cn/100%25/a%25zz%254"),
        ("http://www.jyx.gov.cn/a%2Fb?c=%2f%3D", "http://www.jyx.gov.cn/a%2Fb?c=%2F%3D"),
        ('http://www.jyx.gov.cn/a|b{c}^"<>`', "http://www.jyx.gov.cn/a%7Cb%7Bc%7D%5E%22%3C%3E%60"),
        (
            "http://www.jyx.gov.cn/a?x=a+b&y=(1)*!$',;:@/?",
            "http://www.jyx.gov.cn/a?x=a+b&y=(1)*!$',;:@/?",
        ),
        ("http://www.jyx.gov.cn/a?x=1\\2", "http://www.jyx.gov.cn/a?x=1%5C2"),
        # empty query dropped, order kept
        ("http://www.jyx.gov.cn/a.html?", "http://www.jyx.gov.cn/a.html"),
        ("http://www.jyx.gov.cn/a.jsp?b=2&a=1&c=3", "http://www.jyx.gov.cn/a.jsp?b=2&a=1&c=3"),
        # session ids
        (
            "http://www.jyx.gov.cn/a.jsp;jsessionid=0A1B2C3D?id=1",
            "http://www.jyx.gov.cn/a.jsp?id=1",
        ),
        ("http://www.jyx.gov.cn/a.jsp;JSESSIONID=0A1B2C3D", "http://www.jyx.gov.cn/a.jsp"),
        ("http://www.jyx.gov.cn/a.php?PHPSESSID=abc123&id=5", "http://www.jyx.gov.cn/a.php?id=5"),
        (
            "http://www.jyx.gov.cn/a.asp?id=5&ASPSESSIONIDQQGGQRST=KJHG",
            "http://www.jyx.gov.cn/a.asp?id=5",
        ),
        (
            "http://www.jyx.gov.cn/a.jsp?jsessionid=x&JSession=y&SessionId=z",
            "http://www.jyx.gov.cn/a.jsp",
        ),
        (
            "http://www.jyx.gov.cn/a.do?sid=9f8e7d6c5b4a39281706f5e4d3c2b1a0&m=list",
            "http://www.jyx.gov.cn/a.do?m=list",
        ),
        # a short numeric sid is a site/section id on Chinese CMSs, not a session: kept
        (
            "http://www.jyx.gov.cn/list.aspx?sid=12&p=2",
            "http://www.jyx.gov.cn/list.aspx?sid=12&p=2",
        ),
        ("http://www.jyx.gov.cn/a.jsp?sidebar=1", "http://www.jyx.gov.cn/a.jsp?sidebar=1"),
        # userinfo kept, empty userinfo dropped
        ("http://user:pw@www.jyx.gov.cn/", "http://user:pw@www.jyx.gov.cn/"),
        ("http://@www.jyx.gov.cn/", "http://www.jyx.gov.cn/"),
        # hosts: IDNA, full-width dots, IPs
        ("http://锦阳县.政务/", "http://xn--5nrx53mcxa.xn--zfr164b/"),
        ("http://ＷＷＷ.锦阳。中国/", "http://www.xn--jc5asu.xn--fiqs8s/"),
        ("http://XN--FIQS8S.cn/", "http://xn--fiqs8s.cn/"),
        ("http://10.1.2.3:8080/a", "http://10.1.2.3:8080/a"),
        ("http://[2001:DB8::0001]:8080/", "http://[2001:db8::1]:8080/"),
        ("http://zw_gk.jyx.gov.cn/", "http://zw_gk.jyx.gov.cn/"),
        ("http:///www.jyx.gov.cn/a", "http://www.jyx.gov.cn/a"),
    ],
)
def test_normalize_url_canonical_form(raw: str, expected: str) -> None:
    assert normalize_url(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "www.jyx.gov.cn/a.html",  # no scheme
        "/a/b.html",
        "ftp://ftp.jyx.gov.cn/",
        "javascript:void(0)",
        "mailto:a@jyx.gov.cn",
        "file:///C:/a.doc",
        "http://",
        "http:///",
        "http://exa mple.gov.cn/",
        "http://www.jyx.gov.cn<script>/",
        "http://www.jyx.gov.cn:99999/",
        "http://www.jyx.gov.cn:0/",
        "http://www.jyx.gov.cn:80a/",
        "http://www..jyx.gov.cn/",
        "http://.jyx.gov.cn/",
        "http://[::1/",
        "http://[not-ipv6]/",
        "http://999.1.1.1/",
        "http://" + "a" * 64 + ".gov.cn/",
        "http://www.jyx.gov.cn/" + "a" * 2048,
    ],
)
def test_normalize_url_rejects_unusable_urls(raw: str) -> None:
    assert normalize_url(raw) is None


def test_normalize_url_accepts_the_maximum_length() -> None:
    prefix = "http://www.jyx.gov.cn/"
    url = prefix + "a" * (2048 - len(prefix))
    assert normalize_url(url) == url


# Property checks over seeded random corpora (deterministic; no extra test dependency).
URL_PIECES = [
    "a",
    "B",
    "%",
    "%2",
    "%41",
    "%e4%b8%ad",
    "中",
    " ",
    "\\",
    "/",
    "./",
    "../",
    ".",
    "..",
    "?",
    "&",
    "=",
    "#",
    ";jsessionid=1",
    "sid=abcdefabcdefabcdef",
    "|",
    "~",
    "+",
    ":",
    "@",
    "\t",
    "\n",
    "é",
    "%2E",
    "%2e%2E",
    "PHPSESSID=1",
    "%%",
    "[",
    "]",
]


def test_normalize_url_is_idempotent() -> None:
    rng = random.Random(20240615)
    for _ in range(3000):
        scheme = rng.choice(["http://", "HTTPS://", "http:\\\\"])
        raw = scheme + "www.jyx.gov.cn/" + "".join(rng.choices(URL_PIECES, k=rng.randint(0, 12)))
        once = normalize_url(raw)
        assert once is not None, raw
        assert normalize_url(once) == once, raw
        assert once.isascii() and " " not in once and "\\" not in once and "#" not in once


# --------------------------------------------------------------------------------------------
# join_url
# --------------------------------------------------------------------------------------------

BASE = "http://www.jyx.gov.cn/xxgk/tzgg/index.html"


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("/zwgk/a.html", "http://www.jyx.gov.cn/zwgk/a.html"),
        ("b.html", "http://www.jyx.gov.cn/xxgk/tzgg/b.html"),
        ("./b.html", "http://www.jyx.gov.cn/xxgk/tzgg/b.html"),
        ("../b.html", "http://www.jyx.gov.cn/xxgk/b.html"),
        ("../../../../../b.html", "http://www.jyx.gov.cn/b.html"),
        ("./", "http://www.jyx.gov.cn/xxgk/tzgg/"),
        ("..", "http://www.jyx.gov.cn/xxgk/"),
        ("?page=2", "http://www.jyx.gov.cn/xxgk/tzgg/index.html?page=2"),
        ("?", "http://www.jyx.gov.cn/xxgk/tzgg/index.html"),
        ("//cdn.jyx.gov.cn/js/a.js", "http://cdn.jyx.gov.cn/js/a.js"),
        ("\\\\cdn.jyx.gov.cn\\js\\a.js", "http://cdn.jyx.gov.cn/js/a.js"),
        ("..\\xxgk\\index.html", "http://www.jyx.gov.cn/xxgk/xxgk/index.html"),
        ("..\\..\\zwgk\\index.html", "http://www.jyx.gov.cn/zwgk/index.html"),
        ("\\zwgk\\a.html", "http://www.jyx.gov.cn/zwgk/a.html"),
        ("  /zwgk/a.html\n", "http://www.jyx.gov.cn/zwgk/a.html"),
        ("/zwgk/\na.html", "http://www.jyx.gov.cn/zwgk/a.html"),
        ("http://www.jyx.gov.cn/zwgk/", "http://www.jyx.gov.cn/zwgk/"),
        ("HTTP://WWW.JYX.GOV.CN", "http://www.jyx.gov.cn/"),
        ("https://zwfw.sc.gov.cn:443/", "https://zwfw.sc.gov.cn/"),
        ("http:b.html", "http://www.jyx.gov.cn/xxgk/tzgg/b.html"),
        ("https:b.html", "https://b.html/"),
        ("b.html#section2", "http://www.jyx.gov.cn/xxgk/tzgg/b.html"),
        ("/list.jsp?a=1&b=2", "http://www.jyx.gov.cn/list.jsp?a=1&b=2"),
        (
            "附件/预算.pdf",
            "http://www.jyx.gov.cn/xxgk/tzgg/%E9%99%84%E4%BB%B6/%E9%A2%84%E7%AE%97.pdf",
        ),
        ("a.jsp;jsessionid=ABCDEF?id=1", "http://www.jyx.gov.cn/xxgk/tzgg/a.jsp?id=1"),
    ],
)
def test_join_url_resolves_like_a_browser(href: str, expected: str) -> None:
    assert join_url(BASE, href) == expected
    assert join_url(BASE, href) == expected  # second call comes from the cache


@pytest.mark.parametrize(
    "href",
    [
        "",
        "   ",
        "#",
        "#top",
        " #top",
        "javascript:void(0)",
        "  JavaScript:openWin('/a.html')",
        "javascript:;",
        "mailto:jyxzf@163.com",
        "MAILTO:jyxzf@163.com",
        "tel:0816-1234567",
        "sms:10086",
        "data:image/png;base64,iVBORw0KGgo=",
        "about:blank",
        "file:///C:/a.doc",
        "weixin://dl/chat",
        "ftp://ftp.jyx.gov.cn/",
        "C:\\Documents and Settings\\通知.doc",
        "http://exa mple.gov.cn/",
        "http://www.jyx.gov.cn:99999/",
    ],
)
def test_join_url_returns_none_for_non_links(href: str) -> None:
    assert join_url(BASE, href) is None


def test_join_url_normalises_an_unnormalised_base() -> None:
    assert (
        join_url("HTTP://WWW.JYX.GOV.CN:80/a/b.html#x", "c.html")
        == "http://www.jyx.gov.cn/a/c.html"
    )
    assert join_url("http://www.jyx.gov.cn", "c.html") == "http://www.jyx.gov.cn/c.html"


def test_join_url_with_unusable_base_still_resolves_absolute_hrefs() -> None:
    assert join_url("not a url", "http://www.jyx.gov.cn/a") == "http://www.jyx.gov.cn/a"
    assert join_url("not a url", "/a") is None


def test_join_url_cache_distinguishes_what_the_result_depends_on() -> None:
    # Same href, different directories / pages / hosts / schemes: never a stale cache answer.
    pairs = [
        ("http://www.jyx.gov.cn/a/index.html", "x.html", "http://www.jyx.gov.cn/a/x.html"),
        ("http://www.jyx.gov.cn/b/index.html", "x.html", "http://www.jyx.gov.cn/b/x.html"),
        ("http://www.jyx.gov.cn/a/index.html", "?p=2", "http://www.jyx.gov.cn/a/index.html?p=2"),
        ("http://www.jyx.gov.cn/a/list.html", "?p=2", "http://www.jyx.gov.cn/a/list.html?p=2"),
        ("http://www.jyx.gov.cn/a/index.html", "/x.html", "http://www.jyx.gov.cn/x.html"),
        ("https://www.jyx.gov.cn/a/index.html", "/x.html", "https://www.jyx.gov.cn/x.html"),
        ("http://zwfw.jyx.gov.cn/a/index.html", "/x.html", "http://zwfw.jyx.gov.cn/x.html"),
        ("http://www.jyx.gov.cn/a/", "//cdn.jyx.gov.cn/x", "http://cdn.jyx.gov.cn/x"),
        ("https://www.jyx.gov.cn/a/", "//cdn.jyx.gov.cn/x", "https://cdn.jyx.gov.cn/x"),
        ("http://www.jyx.gov.cn/a/index.html", " ?p=3", "http://www.jyx.gov.cn/a/index.html?p=3"),
        ("http://www.jyx.gov.cn/a/list.html", " ?p=3", "http://www.jyx.gov.cn/a/list.html?p=3"),
        ("http://www.jyx.gov.cn/a/x?q=1", "", None),
        ("http://www.jyx.gov.cn/a/b.html", "http:c.html", "http://www.jyx.gov.cn/a/c.html"),
        ("https://www.jyx.gov.cn/d/b.html", "http:c.html", "http://c.html/"),
    ]
    for _ in range(2):
        for base, href, expected in pairs:
            assert join_url(base, href) == expected, (base, href)


def test_join_url_cache_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(urls, "_JOIN_CACHE_MAX", 100)
    monkeypatch.setattr(urls, "_JOIN_CACHE", {})
    for i in range(1000):
        assert join_url(BASE, f"a{i}.html") == f"http://www.jyx.gov.cn/xxgk/tzgg/a{i}.html"
    assert len(urls._JOIN_CACHE) <= 100
    # Recent entries survive an eviction, and evicted ones are recomputed correctly.
    assert join_url(BASE, "a999.html") == "http://www.jyx.gov.cn/xxgk/tzgg/a999.html"
    assert join_url(BASE, "a0.html") == "http://www.jyx.gov.cn/xxgk/tzgg/a0.html"


# Reference comparison: for hrefs without browser-only quirks (backslashes, embedded whitespace),
# join_url must agree with urllib's RFC 3986 resolver followed by the normaliser.
REFERENCE_BASES = [
    "http://www.jyx.gov.cn/",
    "http://www.jyx.gov.cn/xxgk/tzgg/index.html",
    "http://www.jyx.gov.cn/xxgk/tzgg/",
    "http://www.jyx.gov.cn/col/col1229/index.html?uid=4567&pageNum=2",
    "https://zwfw.sc.gov.cn:8443/a/b/c/d.jsp;p?q=1",
    "http://www.jyx.gov.cn/art/2024/6/12/art_1229_5678.html",
]
REFERENCE_HREFS = [
    "g",
    "./g",
    "g/",
    "/g",
    "//g",
    "?y",
    "g?y",
    "g#s",
    "g?y#s",
    ";x",
    "g;x",
    "g;x?y#s",
    "",
    ".",
    "./",
    "..",
    "../",
    "../g",
    "../..",
    "../../",
    "../../g",
    "../../../g",
    "../../../../g",
    "/./g",
    "/../g",
    "g.",
    ".g",
    "g..",
    "..g",
    "./../g",
    "./g/.",
    "g/./h",
    "g/../h",
    "g;x=1/./y",
    "g;x=1/../y",
    "g?y/./x",
    "g?y/../x",
    "g#s/./x",
    "/a/b/c/./../../g",
    "mid/content=5/../6",
    "http://www.jyx.gov.cn/a/../b",
    "https://www.gov.cn",
    "index_1.html",
    "../202406/t20240612_1.html",
    "/module/web/jpage/dataproxy.jsp?page=1&webid=1",
    "%E4%B8%AD.html",
    "a%20b.html",
    "~user/",
    "/a//b",
    "?a=1&b=2&a=3",
    "/search?q=%E6%94%BF%E5%BA%9C&p=1",
]


@pytest.mark.parametrize("base", REFERENCE_BASES)
def test_join_url_agrees_with_urljoin_on_rfc3986_corpus(base: str) -> None:
    mismatches = []
    for href in REFERENCE_HREFS:
        expected = normalize_url(urljoin(base, href))
        if href == "" or (href.startswith("#")):
            expected = None  # an empty href is the page itself: not a link
        got = join_url(base, href)
        if got != expected:
            mismatches.append((href, got, expected))
    assert mismatches == []


HREF_PIECES = [
    "a",
    "b.html",
    "/",
    "./",
    "../",
    "..",
    ".",
    "?",
    "q=1",
    "&",
    "#f",
    "\\",
    "%41",
    "%",
    "中",
    " ",
    "//",
    "http://x.gov.cn/",
    "https:",
    "javascript:",
    "index_2.html",
    ";jsessionid=1",
]


def test_join_url_results_are_normalised_and_cache_consistent() -> None:
    rng = random.Random(7)
    cases = [
        (rng.choice(REFERENCE_BASES), "".join(rng.choices(HREF_PIECES, k=rng.randint(0, 8))))
        for _ in range(3000)
    ]
    urls._JOIN_CACHE.clear()
    cached = [join_url(base, href) for base, href in cases]  # fills and hits the cache
    for (base, href), first in zip(cases, cached):
        if first is not None:
            assert normalize_url(first) == first, (base, href)
        # The answer computed without any cache agrees with the cached one.
        assert urls._join(urls._Base(normalize_url(base) or ""), href) == first, (base, href)


def test_join_url_cache_key_is_shared_across_pages_of_one_directory() -> None:
    urls._JOIN_CACHE.clear()
    join_url("http://www.jyx.gov.cn/xxgk/a.html", "../index.html")
    join_url("http://www.jyx.gov.cn/xxgk/b.html", "../index.html")
    join_url("http://www.jyx.gov.cn/xxgk/c/d.html", "/nav.html")
    join_url("http://www.jyx.gov.cn/e.html", "/nav.html")
    assert len(urls._JOIN_CACHE) == 2


# --------------------------------------------------------------------------------------------
# hosts, scope
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "host", "key"),
    [
        ("http://www.jyx.gov.cn/a", "www.jyx.gov.cn", "jyx.gov.cn"),
        ("https://WWW.JYX.GOV.CN:443/a", "www.jyx.gov.cn", "jyx.gov.cn"),
        ("http://jyx.gov.cn:8080/", "jyx.gov.cn", "jyx.gov.cn:8080"),
        ("http://user:pw@zwfw.jyx.gov.cn/", "zwfw.jyx.gov.cn", "zwfw.jyx.gov.cn"),
        ("http://[::1]:8080/", "[::1]", "[::1]:8080"),
        ("http://锦阳县.政务/", "xn--5nrx53mcxa.xn--zfr164b", "xn--5nrx53mcxa.xn--zfr164b"),
        ("javascript:void(0)", "", ""),
        ("/relative/only", "", ""),
    ],
)
def test_host_of_and_site_key(url: str, host: str, key: str) -> None:
    assert host_of(url) == host
    assert site_key(url) == key


def test_scope_accepts_both_schemes_and_the_www_twin() -> None:
    scope = Scope("http://www.jyx.gov.cn/")
    assert scope.contains("http://www.jyx.gov.cn/zwgk/a.html")
    assert scope.contains("https://www.jyx.gov.cn/zwgk/a.html")
    assert scope.contains("http://jyx.gov.cn/a.html")
    assert scope.contains("HTTP://WWW.JYX.GOV.CN/a.html")
    assert "http://jyx.gov.cn/" in scope
    assert not scope.contains("http://zwfw.jyx.gov.cn/")
    assert not scope.contains("http://www.gov.cn/")
    assert not scope.contains("http://www.jyx.gov.cn.evil.com/")
    assert not scope.contains("http://www.gov.cn@evil.com/")
    assert not scope.contains("ftp://www.jyx.gov.cn/")
    assert not scope.contains("/zwgk/a.html")


def test_scope_www_twin_works_from_the_bare_domain() -> None:
    scope = Scope("https://jyx.gov.cn")
    assert scope.contains("http://www.jyx.gov.cn/")
    assert not scope.contains("http://www.www.jyx.gov.cn/")


def test_scope_aliases_accept_hosts_and_urls() -> None:
    scope = Scope(
        "http://www.jyx.gov.cn/", aliases=["ZWGK.jyx.gov.cn", "http://jyx.sc.gov.cn/", ""]
    )
    assert scope.contains("http://zwgk.jyx.gov.cn/a")
    assert scope.contains("https://jyx.sc.gov.cn/b")
    assert not scope.contains("http://www.jyx.sc.gov.cn/b")  # www twin only for the start host


def test_scope_ports_are_the_start_port_or_the_default() -> None:
    scope = Scope("http://www.jyx.gov.cn:8080/portal/")
    assert scope.contains("http://www.jyx.gov.cn:8080/a")
    assert scope.contains("http://www.jyx.gov.cn/a")
    assert scope.contains("https://www.jyx.gov.cn/a")
    assert scope.contains("https://www.jyx.gov.cn:8080/a")
    assert not scope.contains("http://www.jyx.gov.cn:9090/a")
    plain = Scope("http://www.jyx.gov.cn/")
    assert plain.contains("https://www.jyx.gov.cn/")
    assert not plain.contains("http://www.jyx.gov.cn:8080/")


def test_scope_rejects_an_unusable_start_url() -> None:
    with pytest.raises(ValueError):
        Scope("not a url")


def test_scope_with_idn_start_host() -> None:
    scope = Scope("http://锦阳县.政务/")
    assert scope.contains("http://xn--5nrx53mcxa.xn--zfr164b/a")
    assert scope.contains("http://锦阳县.政务/b")


# --------------------------------------------------------------------------------------------
# link kinds
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://www.jyx.gov.cn/tzgg/202405/P020240520386512345678.pdf", "attachment"),
        ("http://www.jyx.gov.cn/a/附件.DOCX", "attachment"),
        ("http://www.jyx.gov.cn/a/b.xls?v=1", "attachment"),
        ("http://www.jyx.gov.cn/a/b.wps", "attachment"),
        ("http://www.jyx.gov.cn/a/b.ofd", "attachment"),
        ("http://www.jyx.gov.cn/a/b.rar#x", "attachment"),
        ("http://www.jyx.gov.cn/v/xuanchuan.mp4", "attachment"),
        ("http://www.jyx.gov.cn/a/b.pdf;jsessionid=1", "attachment"),
        ("http://www.jyx.gov.cn/images/logo.PNG", "image"),
        ("http://www.jyx.gov.cn/images/a.jpeg", "image"),
        ("http://www.jyx.gov.cn/favicon.ico", "image"),
        ("http://www.jyx.gov.cn/a.svg", "image"),
        ("http://www.jyx.gov.cn/sitemap.xml", "page"),
        ("http://www.jyx.gov.cn/a.html", "page"),
        ("http://www.jyx.gov.cn/", "page"),
        ("http://www.jyx.gov.cn", "page"),
        ("http://www.jyx.gov.cn/down.jsp?file=a.pdf", "page"),
        ("http://www.jyx.gov.cn/v1.2/", "page"),
    ],
)
def test_link_kind_by_extension(url: str, kind: str) -> None:
    assert link_kind_by_extension(url) == kind


@pytest.mark.parametrize(
    ("url", "html"),
    [
        ("http://www.jyx.gov.cn/", True),
        ("http://www.jyx.gov.cn/zwgk", True),
        ("http://www.jyx.gov.cn/a.html", True),
        ("http://www.jyx.gov.cn/a.HTM", True),
        ("http://www.jyx.gov.cn/a.shtml", True),
        ("http://www.jyx.gov.cn/a.jhtml", True),
        ("http://www.jyx.gov.cn/a.jsp?id=1", True),
        ("http://www.jyx.gov.cn/a.asp", True),
        ("http://www.jyx.gov.cn/a.aspx", True),
        ("http://www.jyx.gov.cn/a.php", True),
        ("http://www.jyx.gov.cn/a.do", True),
        ("http://www.jyx.gov.cn/a.action", True),
        ("http://www.jyx.gov.cn/a.xhtml", True),
        ("http://www.jyx.gov.cn/cgi-bin/a.cgi", True),
        ("http://www.jyx.gov.cn/a.pdf", False),
        ("http://www.jyx.gov.cn/a.jpg", False),
        ("http://www.jyx.gov.cn/a.xml", False),
        ("http://www.jyx.gov.cn/a.css", False),
        ("http://www.jyx.gov.cn/a.js", False),
    ],
)
def test_is_probably_html(url: str, html: bool) -> None:
    assert is_probably_html(url) is html


def test_every_attachment_and_image_extension_is_classified() -> None:
    for ext in urls.ATTACHMENT_EXTENSIONS:
        assert link_kind_by_extension(f"http://a.gov.cn/f.{ext}") == "attachment"
    for ext in urls.IMAGE_EXTENSIONS:
        assert link_kind_by_extension(f"http://a.gov.cn/f.{ext}") == "image"
    assert not (urls.ATTACHMENT_EXTENSIONS & urls.IMAGE_EXTENSIONS)
    assert not list(itertools.chain(urls.HTML_EXTENSIONS & urls.ATTACHMENT_EXTENSIONS))
