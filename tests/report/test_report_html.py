"""report.html: the 通报 shows dead links with evidence, escapes page content, lists errors."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from govinspect.models import BlockedLink, DeadLink, Evidence, Finding, RunResult, SiteResult, SiteSpec
from govinspect.report import render_report_html, write_report_html
from govinspect.report.labels import dead_reason_label


class _Collector(HTMLParser):
    """Collects text, hrefs and tag names, to check what a browser would see."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.hrefs: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for k, v in attrs:
            if k == "href" and v is not None:
                self.hrefs.append(v)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Collector:
    c = _Collector()
    c.feed(html)
    return c


def rows_containing(html: str, needle: str) -> list[str]:
    return [r for r in re.findall(r"<tr>.*?</tr>", html, re.S) if needle in r]


def test_structure_and_overview(run: RunResult) -> None:
    html = render_report_html(run)
    assert html.startswith("<!DOCTYPE html>")
    assert "<title>政府网站检查报告" in html
    assert "监测时间点：2024年6月15日" in html
    text = "".join(parse(html).text)
    assert "本次共检查政府网站4家，其中完成检查3家，无法检查1家。" in text
    assert "合格1家，不合格1家" in text
    assert "发现死链接5条，其中首页死链接1条、其他页面死链接4条" in text
    for header in ("序号", "网站名称", "网站标识码", "首页地址", "检查页面数", "检查链接数",
                   "首页死链", "其他死链", "受限链接", "状态"):
        assert f">{header}" in html
    # Self-contained: no scripts, no external stylesheets or images.
    c = parse(html)
    assert not {"script", "link", "img", "iframe"} & c.tags
    assert "@page" in html and "A4" in html and "仿宋" in html


def test_dead_link_with_chinese_reason_source_and_target(run: RunResult) -> None:
    html = render_report_html(run)
    (row,) = rows_containing(html, "http://www.jingzhouqu.gov.cn/zt/2018/index.html")
    assert '<a href="http://www.jingzhouqu.gov.cn/">http://www.jingzhouqu.gov.cn/</a>' in row
    assert "HTTP 404 页面不存在" in row
    assert ">页面<" in row and ">404<" in row
    assert "2024-06-14 10:21:33" in row
    assert "扫黑除恶专项斗争" in row
    (attachment,) = rows_containing(html, "/old/2019.doc")
    assert "附件" in attachment and "另有4处页面来源" in attachment
    assert "http://www.jingzhouqu.gov.cn/zwgk/tzgg/index_1.html" in attachment
    (dns,) = rows_containing(html, "hbzwfw.gov.cn.invalid")
    assert "域名无法解析" in dns and "外部链接" in dns
    (img,) = rows_containing(html, "banner.jpg")
    assert "HTTP 503 服务器错误" in img and "图片" in img
    (tls,) = rows_containing(html, "zwfw.example.gov.cn")
    assert "证书或加密连接错误" in tls


def test_summary_row_counts(run: RunResult) -> None:
    html = render_report_html(run)
    summary = html.split('<table class="summary">', 1)[1].split("</table>", 1)[0]
    (row,) = rows_containing(summary, "4210030010")
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert cells[0] == "1" and cells[4:9] == ["312", "4211", "1", "2", "1"]
    assert "不合格" in cells[9]


def test_blocked_links_listed_separately_and_findings(run: RunResult) -> None:
    html = render_report_html(run)
    assert "受访问限制、未判定为死链的链接" in html
    (row,) = rows_containing(html.split('<table class="blocked">', 1)[1], "http://www.gov.cn/")
    assert "安全防护拦截" in row and "412" in row
    assert "非首页死链接2条，扣0.2分" in html
    assert "首页栏目信息超过2周未更新，单项否决" in html
    assert "链接 /old/2019.doc 返回 404" in html
    assert "单项否决：首页超过2周未更新" in html
    assert "达到页面上限" in html  # crawl notes are shown, so limits are transparent


def test_error_site_shown(run: RunResult) -> None:
    html = render_report_html(run)
    assert "荆州经济技术开发区" in html
    assert "该网站无法检查：首页无法访问：域名无法解析 (dns)" in html
    summary = html.split('<table class="summary">', 1)[1].split("</table>", 1)[0]
    (row,) = rows_containing(summary, "4210000014")
    assert "无法检查" in row


def test_site_without_dead_links(run: RunResult) -> None:
    html = render_report_html(run)
    section = html.split('id="site-3"', 1)[1].split("</section>", 1)[0]
    assert "未发现死链接" in section
    assert "0421022002" in section  # leading zero of the site code kept


def test_malicious_anchor_and_urls_are_escaped() -> None:
    evil_target = 'javascript:alert(1)//"><script>alert("t")</script>'
    evil_source = 'http://www.evil.gov.cn/?q="><img src=x onerror=alert(1)>'
    site = SiteResult(
        spec=SiteSpec(url="http://www.evil.gov.cn/", name='<b>某局</b>&"网站"'),
        dead_links=[DeadLink(source=evil_source, target=evil_target, status=404,
                             reason="<i>odd</i>", scope="other", kind="page",
                             anchor="<script>alert('anchor')</script>",
                             detail="<iframe src=//x>")],
        blocked_links=[BlockedLink(source="data:text/html,<script>1</script>",
                                   target="http://x.gov.cn/", status=403, reason="robots")],
        findings=[Finding("x", False, 1, {}, "<svg onload=alert(1)>",
                          [Evidence(url="javascript:void(0)", detail="<b>")])],
    )
    run = RunResult(version="0.1.0", as_of="2024-06-15T00:00:00+08:00", profile="gov2019",
                    sites=[site])
    html = render_report_html(run)
    c = parse(html)
    assert not {"script", "img", "iframe", "svg", "b", "i"} & c.tags
    assert "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
    assert "&lt;script&gt;alert(&#39;anchor&#39;)&lt;/script&gt;" in html
    assert "&lt;b&gt;某局&lt;/b&gt;&amp;&#34;网站&#34;" in html
    # Only http(s) URLs become links; javascript:/data: targets stay inert text.
    assert all(h.startswith(("http://", "https://", "#")) for h in c.hrefs)
    assert not any(h.lower().startswith(("javascript", "data")) for h in c.hrefs)
    # The quote in the source URL does not break out of the href attribute.
    assert 'href="http://www.evil.gov.cn/?q=&#34;&gt;&lt;img' in html


def test_write_report_html(run: RunResult, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    write_report_html(run, target)
    assert target.read_text("utf-8") .count("<section") == 4


def test_reason_labels() -> None:
    assert dead_reason_label("http_404", 404) == "HTTP 404 页面不存在"
    assert dead_reason_label("dns") == "域名无法解析"
    assert dead_reason_label("refused") == "连接被拒绝"
    assert dead_reason_label("timeout") == "访问超时"
    assert dead_reason_label("soft_404") == "页面显示不存在（软404）"
    assert dead_reason_label("redirect_loop") == "重定向循环"
    assert dead_reason_label("too_many_redirects") == "重定向次数过多"
    assert dead_reason_label("tls") == "证书或加密连接错误"
    assert dead_reason_label("reset") == "连接中断"
    assert dead_reason_label("http_5xx") == "服务器错误"
    assert dead_reason_label("http_5xx", 502) == "HTTP 502 服务器错误"
    assert dead_reason_label("http_418", 418) == "HTTP 418 客户端错误"
    assert dead_reason_label("something_new") == "something_new"


def test_unchecked_indicators_dismissals_and_availability_are_shown(run: RunResult) -> None:
    # A site owner must not read "no finding" as "passed" where the check never ran, and a
    # reader must see what an inspector set aside on review and why.
    site = run.sites[0]
    site.not_checked = ["veto.interaction.no_channel", "deduct.no.such.indicator"]
    site.dismissed = [
        Finding(
            indicator="deduct.design.links_other_dead",
            veto=False,
            points=0.1,
            measure={"count": 1},
            message="非首页死链接1条",
            review={"decision": "dismissed", "reason": "链接指向的系统已按计划关停，页面已标注"},
        )
    ]
    site.availability = {"probes": 168, "failures": 12, "ratio": 0.0714, "blocked": 3, "enough_data": True,
                         "monitored": True}
    run.sites[1].availability = {"probes": 40, "failures": 0, "ratio": 0.0, "blocked": 0, "enough_data": False,
                                 "monitored": True, "note": "可用性监测数据不足（需连续7天、每天不少于20次）"}
    text = "".join(parse(render_report_html(run)).text)
    assert "本次未能检查的指标（未检查不等于合格）：互动回应差（无有效互动渠道）、deduct.no.such.indicator。" in text
    assert "经人工复核排除的问题（1条，不计分）" in text
    assert "非首页死链接1条（排除理由：链接指向的系统已按计划关停，页面已标注）" in text
    assert "共168次有效访问，失败12次（7.14%），另有3次被防护拦截未计入。" in text
    assert "可用性监测数据不足（需连续7天、每天不少于20次），不作判定。" in text
