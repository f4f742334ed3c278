"""Cloaking and tampering of a homepage (govinspect.analyze.tampering)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from govinspect.analyze.illegal import IllegalFinding
from govinspect.analyze.tampering import (
    BAIDUSPIDER_USER_AGENT,
    cloaking,
    fingerprint,
    simhash_distance,
    tampering,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "illegal"
HOME = "http://www.yunxi.gov.cn/"

SPAM_TITLE = "<title>澳门新葡京-太阳城娱乐-云溪县人民政府</title>"
FARM = (
    '<div style="position:absolute;top:-999px;left:-999px">'
    '<a href="http://www.amxpj8.com/">澳门新葡京</a><a href="http://www.js9905.com/">金沙娱乐</a></div>'
)


@pytest.fixture(scope="module")
def clean() -> str:
    return (FIXTURES / "county_home_clean.html").read_text("utf-8")


def inject(page: str, snippet: str, *, before: str = '<div class="footer">') -> str:
    assert before in page
    return page.replace(before, snippet + "\n" + before, 1)


def ordinary_refetch(page: str) -> str:
    """The same homepage fetched again a moment later: another date, another banner, a new
    session token, a cache-busted CSS file and a new news item."""
    page = page.replace("/images/2023/css/index.css", "/images/2023/css/index.css?v=20240615")
    page = page.replace(
        '<div class="main w1200" id="main-content">',
        '<div class="main w1200" id="main-content"><div class="banner"><img src="/images/2023/banner3.jpg" alt="美丽云溪">'
        '<input type="hidden" name="_csrf" value="9f8e7d6c5b4a"></div><span class="date">2024年6月15日 星期六</span>',
    )
    return page.replace(
        '<li><a href="/xwzx/yxyw/202406/t20240614_2051123.html"',
        '<li><a href="/xwzx/yxyw/202406/t20240615_2051200.html">县政府召开第50次常务会议</a><span>2024-06-15</span></li>\n'
        '        <li><a href="/xwzx/yxyw/202406/t20240614_2051123.html"',
    )


def test_baiduspider_user_agent_is_the_published_one() -> None:
    assert "Baiduspider/2.0" in BAIDUSPIDER_USER_AGENT
    assert BAIDUSPIDER_USER_AGENT.startswith("Mozilla/5.0 (compatible; ")


# --------------------------------------------------------------------------------------------
# cloaking
# --------------------------------------------------------------------------------------------


def test_spam_served_only_to_baiduspider_is_cloaking(clean: str) -> None:
    crawler = inject(clean.replace("<title>云溪县人民政府</title>", SPAM_TITLE), FARM)
    findings = cloaking(clean, crawler, HOME)
    assert [(f.kind, f.target) for f in findings] == [
        ("cloaking", "http://www.amxpj8.com/"),
        ("cloaking", "http://www.js9905.com/"),
        ("cloaking", None),
    ]
    assert findings[0].evidence.startswith(
        '仅向搜索引擎（百度蜘蛛）返回：隐藏链接（style="position:absolute;top:-999px;left:-999px"）：'
        '<a href="http://www.amxpj8.com/">澳门新葡京</a>'
    )
    assert findings[2].evidence == (
        "仅向搜索引擎（百度蜘蛛）返回：网页标题被植入赌博类词语（澳门新葡京、太阳城娱乐）：“澳门新葡京-太阳城娱乐-云溪县人民政府”"
    )


def test_spam_link_served_only_to_browsers_is_cloaking(clean: str) -> None:
    browser = inject(clean, '<p><a href="http://www.amxpj.com/">进入官网</a></p>')
    findings = cloaking(browser, clean, HOME)
    assert [(f.kind, f.target) for f in findings] == [("cloaking", "http://www.amxpj.com/")]
    assert findings[0].evidence.startswith("仅向浏览器返回、对搜索引擎隐藏：页面链接指向违法有害内容")


def test_ordinary_differences_between_fetches_are_not_cloaking(clean: str) -> None:
    assert cloaking(clean, ordinary_refetch(clean), HOME) == []


def test_spam_served_to_both_is_not_cloaking(clean: str) -> None:
    # page_illegal reports it on the page; it is not a difference between visitors.
    hacked = inject(clean, FARM)
    assert cloaking(hacked, ordinary_refetch(hacked), HOME) == []


# --------------------------------------------------------------------------------------------
# fingerprint
# --------------------------------------------------------------------------------------------


def test_fingerprint_of_the_clean_homepage(clean: str) -> None:
    fp = fingerprint(clean, HOME)
    assert json.loads(json.dumps(fp)) == fp
    assert fp["title"] == "云溪县人民政府"
    assert fp["scripts"] == [
        "https://cdn.bootcdn.net/ajax/libs/jquery/1.12.4/jquery.min.js",
        "https://dcs.conac.cn/js/23/000/0000/60429971/CA230000000604299710002.js",
        "https://zfwzgl.www.gov.cn/exposure/jiucuo.js",
    ]
    assert fp["iframes"] == []
    assert fp["illegal"] == []
    assert "www.sc.gov.cn" in fp["link_domains"] and "www.people.com.cn" in fp["link_domains"]
    assert "www.yunxi.gov.cn" not in fp["link_domains"]
    assert len(fp["text_simhash"]) == 16 and fp["text_chars"] > 500


def test_fingerprint_shares_the_tree(clean: str) -> None:
    tree = LexborHTMLParser(clean)
    before = tree.html
    assert fingerprint(clean, HOME, tree=tree) == fingerprint(clean, HOME)
    assert tree.html == before


def test_simhash_is_close_for_a_refetch_and_far_for_another_page(clean: str) -> None:
    a = fingerprint(clean, HOME)
    b = fingerprint(ordinary_refetch(clean), HOME)
    other = fingerprint((FIXTURES / "article_condemn_gambling_gbk.html").read_bytes().decode("gb18030"), HOME)
    near = simhash_distance(a, b)
    far = simhash_distance(a, other)
    assert near is not None and far is not None
    assert near <= 8 < far
    assert simhash_distance({}, b) is None


# --------------------------------------------------------------------------------------------
# tampering
# --------------------------------------------------------------------------------------------


def test_ordinary_update_is_not_tampering(clean: str) -> None:
    # New news items, a cache-busted CSS, a new link to another government site, a new
    # statistics script and a new jQuery version on the same CDN.
    updated = ordinary_refetch(clean)
    updated = inject(updated, '<a href="http://www.gy.gov.cn/zt/2024/">广元市专题</a>')
    updated = updated.replace(
        "</head>",
        '<script src="https://cdn.bootcdn.net/ajax/libs/jquery/3.7.1/jquery.min.js"></script>\n'
        '<script src="https://js.users.51.la/21234567.js"></script>\n'
        '<script src="https://zz.bdstatic.com/linksubmit/push.js"></script>\n</head>',
        1,
    )
    assert tampering(fingerprint(clean, HOME), fingerprint(updated, HOME), HOME) == []


def test_injected_script_iframe_links_and_title_are_tampering(clean: str) -> None:
    hacked = clean.replace("<title>云溪县人民政府</title>", SPAM_TITLE)
    hacked = hacked.replace(
        "</head>", '<script type="text/javascript" src="https://js.tj-cdn.xyz/tj.js?r=1"></script>\n</head>', 1
    )
    hacked = inject(
        hacked, '<iframe src="http://www.hg0088-yl.com/ad.html" width="0" height="0" frameborder="0"></iframe>'
    )
    hacked = inject(hacked, FARM)
    findings = tampering(fingerprint(clean, HOME), fingerprint(hacked, HOME), HOME)
    assert [(f.kind, f.target) for f in findings] == [
        ("tampered", "https://js.tj-cdn.xyz/tj.js"),
        ("tampered", "http://www.hg0088-yl.com/ad.html"),
        ("tampered", "http://www.amxpj8.com/"),
        ("tampered", "http://www.js9905.com/"),
        ("tampered", None),
    ]
    assert findings[0].evidence == '新增外部脚本（上次检查时没有）：<script src="https://js.tj-cdn.xyz/tj.js">'
    assert findings[1].evidence == '新增外部框架（上次检查时没有）：<iframe src="http://www.hg0088-yl.com/ad.html">'
    # The same frame is also a hidden link on the page itself; it is reported once here.
    assert sum(f.target == "http://www.hg0088-yl.com/ad.html" for f in findings) == 1
    assert findings[2].evidence.startswith("上次检查后新出现：隐藏链接（")
    assert findings[4].evidence.startswith("网页标题被篡改（上次为“云溪县人民政府”）：网页标题被植入赌博类词语")


def test_spam_already_there_last_time_is_not_new_tampering(clean: str) -> None:
    hacked = inject(clean, FARM)
    assert tampering(fingerprint(hacked, HOME), fingerprint(ordinary_refetch(hacked), HOME), HOME) == []


def test_no_baseline_no_tampering(clean: str) -> None:
    current = fingerprint(inject(clean, FARM), HOME)
    assert tampering({}, current, HOME) == []
    assert tampering({"version": 0}, current, HOME) == []


def test_fingerprints_survive_a_json_round_trip(clean: str) -> None:
    hacked = clean.replace("</head>", '<script src="http://evil.example.top/a.js"></script></head>', 1)
    previous = json.loads(json.dumps(fingerprint(clean, HOME)))
    current = json.loads(json.dumps(fingerprint(hacked, HOME)))
    assert tampering(previous, current, HOME) == [
        IllegalFinding(
            "tampered",
            "http://evil.example.top/a.js",
            '新增外部脚本（上次检查时没有）：<script src="http://evil.example.top/a.js">',
        )
    ]
