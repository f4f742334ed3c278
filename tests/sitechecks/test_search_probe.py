"""Site search: the form is found from data on real CMS markup, the query goes out in the
page's charset, and only a results page that says "nothing found" makes a miss a miss."""

from __future__ import annotations

from urllib.parse import parse_qs

from aiohttp import web

from govinspect.net.client import Fetcher
from govinspect.net.types import FetchConfig
from govinspect.sitechecks.search import find_search_forms, judge_results, probe_search

TRS_HEADER = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>
<div class="search fr"><form name="searchform" action="/was5/web/search" method="get" target="_blank">
<input type="hidden" name="channelid" value="229105"><input type="hidden" name="perpage" value="15">
<input type="text" name="searchword" placeholder="请输入关键字"><input type="submit" value="搜索"></form></div>
<form action="/user/login.jsp" method="post"><input name="username"><input type="password" name="pwd"></form>
</body></html>"""
HANWEB = """<table><tr><td><form action="http://www.qs.gov.cn/jsearchfront/search.do" method="get" target="_blank">
<input type="hidden" name="websiteid" value="330100000000000"><input name="q" type="text" id="q">
<input type="hidden" name="tpl" value="1"></form></td></tr></table>"""
ASPX = """<form method="post" action="./Default.aspx" id="form1"><input type="hidden" name="__VIEWSTATE" value="x">
<div class="ss"><input name="txtKey" type="text" id="txtKey"><input type="submit" name="btnSearch" value="搜索"></div></form>"""


def test_trs_form_with_hidden_fields_and_no_login_form():
    scan = find_search_forms(TRS_HEADER, "http://www.qingshan.gov.cn/")
    assert len(scan.forms) == 1
    form = scan.forms[0]
    assert (form.action, form.query_name, form.why) == ("http://www.qingshan.gov.cn/was5/web/search", "searchword", "endpoint")
    assert ("channelid", "229105") in form.hidden


def test_hanweb_jsearchfront_and_a_post_only_webforms_search():
    assert find_search_forms(HANWEB, "http://www.qs.gov.cn/").forms[0].query_name == "q"
    scan = find_search_forms(ASPX, "http://www.qs.gov.cn/")
    assert scan.forms == [] and scan.hint  # a WebForms postback search: present, not queried


def test_results_judged_by_link_or_title_and_no_results_words():
    target = "http://www.qs.gov.cn/art/2024/6/3/art_1229_51.html"
    hit = '<ul><li><a href="/art/2024/6/3/art_1229_51.html">关于<em>开展森林防火</em>检查的通知</a></li></ul>'
    assert judge_results(hit, "http://www.qs.gov.cn/s", title="关于开展森林防火检查的通知", query="关于开展森林防火检查的通知",
                         target_url=target, action="http://www.qs.gov.cn/s") == "found"
    echo = '<input value="关于开展森林防火检查的通知"><p>共找到0条结果</p><a href="/s?q=关于开展森林防火检查的通知">相关搜索</a>'
    assert judge_results(echo, "http://www.qs.gov.cn/s", title="关于开展森林防火检查的通知", query="关于开展森林防火检查的通知",
                         target_url=target, action="http://www.qs.gov.cn/s") == "not_found"
    shell = '<div id="result"></div><script>$.get("/api/search")</script>'
    assert judge_results(shell, "http://www.qs.gov.cn/s", title="关于开展森林防火检查的通知", query="关于开展森林防火检查的通知",
                         target_url=target, action="http://www.qs.gov.cn/s") == "unknown"


async def test_gbk_site_is_asked_in_gbk_and_finds_its_page(aiohttp_server):
    seen: list[str] = []
    pages = {"/xwzx/t20240603_1.html": "青山县召开安全生产工作会议", "/xwzx/t20240601_2.html": "关于做好防汛工作的通知"}

    async def handle(request: web.Request) -> web.Response:
        raw = request.rel_url.raw_query_string
        seen.append(raw)
        words = parse_qs(raw, encoding="gbk").get("searchword", [""])[0]
        rows = "".join(f'<li><a href="{p}">{t}</a></li>' for p, t in pages.items() if words and words in t)
        body = f'<html><head><meta charset="gb2312"></head><body><ul>{rows or "没有找到相关结果"}</ul></body></html>'
        return web.Response(body=body.encode("gbk"), content_type="text/html", charset="gb2312")

    app = web.Application()
    app.router.add_get("/was5/web/search", handle)
    server = await aiohttp_server(app)
    base = f"http://127.0.0.1:{server.port}/"
    scan = find_search_forms(TRS_HEADER, base)
    known = [(t, base + p.lstrip("/")) for p, t in pages.items()]
    async with Fetcher(FetchConfig(allow_private=True, timeout=5)) as fetcher:
        out = await probe_search(scan, known, lambda u: fetcher.fetch(u), page_encoding="gb18030")
    assert out["status"] == "works" and len(out["queries"]) == 1
    assert "searchword=%C7%E0%C9%BD" in seen[0] and "channelid=229105" in seen[0]


async def test_search_that_finds_nothing_twice_fails_and_500_twice_is_broken(aiohttp_server):
    status = {"code": 200}

    async def handle(request: web.Request) -> web.Response:
        if status["code"] == 500:
            return web.Response(status=500, text="Internal Server Error")
        return web.Response(text="<html><body>抱歉，没有找到相关结果</body></html>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/search.jsp", handle)
    server = await aiohttp_server(app)
    base = f"http://127.0.0.1:{server.port}/"
    scan = find_search_forms('<form action="/search.jsp"><input name="keyword"></form>', base)
    known = [("青山县召开安全生产工作会议", base + "a.html"), ("关于做好防汛工作的通知", base + "b.html")]
    async with Fetcher(FetchConfig(allow_private=True, timeout=5)) as fetcher:
        fails = await probe_search(scan, known, lambda u: fetcher.fetch(u))
        status["code"] = 500
        broken = await probe_search(scan, known, lambda u: fetcher.fetch(u))
        one = await probe_search(scan, known[:1], lambda u: fetcher.fetch(u))
    assert fails["status"] == "fails" and broken["status"] == "broken"
    assert one["status"] == "unknown"  # one failed request is not enough to say so


def test_no_form_and_no_hint_is_none_but_a_script_widget_is_unknown():
    import asyncio

    async def never(url: str):  # pragma: no cover - must not be called
        raise AssertionError(url)

    none = asyncio.run(probe_search(find_search_forms("<html><body><p>首页</p></body></html>", "http://a.gov.cn/"), [], never))
    widget = asyncio.run(probe_search(
        find_search_forms('<div id="searchBox" class="search"></div><script src="/js/search.js"></script>', "http://a.gov.cn/"),
        [], never))
    assert (none["status"], widget["status"]) == ("none", "unknown")
