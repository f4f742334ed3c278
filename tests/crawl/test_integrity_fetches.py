"""The integrity fetches of an inspection against a real server on loopback: the homepage asked
for again as a browser and as Baiduspider (cloaking), and attachments downloaded and read
(privacy, secret marks)."""

from __future__ import annotations

import hashlib
import io
from datetime import datetime, timezone
from pathlib import Path

import docx
import openpyxl
import pytest
from aiohttp import web

from govinspect.analyze.tampering import BAIDUSPIDER_USER_AGENT
from govinspect.crawl.crawler import CrawlConfig
from govinspect.crawl.integrityfetch import AttachmentLimits
from govinspect.crawl.politeness import PolitenessConfig
from govinspect.inspect import InspectOptions, inspect_sites
from govinspect.models import SiteSpec
from govinspect.net.types import FetchConfig

HOST = "www.yunxi.gov.cn"  # the host the homepage fixture writes its absolute links with
HOME = f"http://{HOST}/"
FIXTURE = Path(__file__).parents[1] / "fixtures" / "illegal" / "county_home_clean.html"
ARTICLE = "/zwgk/tzgg/202406/t20240612_4571234.html"
SPAM = [("www.amxpj8866.com", "澳门新葡京"), ("www.hg0088-cn.com", "皇冠体育"), ("www.bjl365.vip", "百家乐")]


def _docx(title: str, rows: list[list[str]]) -> bytes:
    doc = docx.Document()
    doc.add_heading(title, level=1)
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _xlsx(title: str, rows: list[list[str]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([title])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


FILES = {
    "/attach/2024/lsjz.docx": _docx("临时救助对象名单", [
        ["序号", "姓名", "身份证号码", "联系电话", "救助金额（元）"],
        ["1", "马平", "330102198706269679", "18211261998", "1600"],
        ["2", "赵国军", "420102196309159276", "19583046456", "500"],
    ]),
    "/attach/2024/btmx.xlsx": _xlsx("困难群众补贴发放明细", [
        ["序号", "姓名", "身份证号码", "补贴金额（元）"],
        ["1", "何华建", "350102199208040511", "400"],
    ]),
    # Properly de-identified: nothing to report.
    "/attach/2024/dbgs.docx": _docx("农村低保对象公示（已脱敏）", [
        ["序号", "户主姓名", "身份证号码", "联系电话"],
        ["1", "王*明", "330102********1234", "138****5678"],
    ]),
}
CTYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class County:
    """A county portal whose homepage can cloak, vary harmlessly, or load an injected script."""

    def __init__(self, *, cloak: bool = False, vary: bool = False) -> None:
        self.cloak = cloak
        self.vary = vary
        self.agents: list[str] = []

    def home(self, user_agent: str) -> str:
        page = FIXTURE.read_text("utf-8")
        notice = f'<div class="tzgg"><h3>通知公告</h3><ul><li><a href="{ARTICLE}">关于2024年第二批临时救助对象的公示</a>' \
                 "<span>2024-06-12</span></li></ul></div>"
        extra = notice
        if self.vary:  # a server clock and a form token: different on every request
            token = hashlib.sha1(user_agent.encode()).hexdigest()[:16]
            extra += f'<div class="clock">2024年06月15日 星期六 {len(user_agent) % 24:02d}:00</div>' \
                     f'<input type="hidden" name="token" value="{token}">'
        if self.cloak and "baiduspider" in user_agent.lower():
            page = page.replace("<title>", "<title>澳门新葡京-皇冠体育-", 1)
            links = "".join(f'<a href="http://{h}/">{t}</a>' for h, t in SPAM)
            extra += f'<div style="position:absolute;left:-3000px;top:-3000px">{links}</div>'
        return page.replace("</body>", extra + "</body>", 1)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        agent = request.headers.get("User-Agent", "")
        if path == "/":
            self.agents.append(agent)
            return web.Response(text=self.home(agent), content_type="text/html")
        if path == ARTICLE:
            links = "".join(f'<p><a href="{p}">附件{k + 1}：{p.rsplit("/", 1)[-1]}</a></p>' for k, p in enumerate(FILES))
            body = (
                '<html><head><meta charset="utf-8"><title>关于2024年第二批临时救助对象的公示</title></head><body>'
                '<div class="article"><h1>关于2024年第二批临时救助对象的公示</h1>'
                "<p>根据《社会救助暂行办法》，现将2024年第二批临时救助对象名单予以公示，详见附件。</p>"
                f"<p>公示期间如有异议，请向县民政局反映。监督电话：0817-3212345。</p>{links}</div></body></html>"
            )
            return web.Response(text=body, content_type="text/html")
        if path in FILES:
            return web.Response(body=FILES[path], content_type=CTYPES[path.rsplit(".", 1)[-1]])
        if path == "/robots.txt":
            return web.Response(text="User-agent: *\nDisallow:\n", content_type="text/plain")
        return web.Response(status=404, text="404 Not Found")


async def serve(aiohttp_server, county: County) -> int:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", county.handle)
    return (await aiohttp_server(app)).port


def options(port: int, **extra: object) -> InspectOptions:
    return InspectOptions(
        as_of=datetime(2024, 6, 15, tzinfo=timezone.utc),
        fetch=FetchConfig(resolve={(HOST, 80): ("127.0.0.1", port)}, offline=True, timeout=5),
        politeness=PolitenessConfig(per_host=4, delay=0.0),
        crawl=CrawlConfig(retry_delay=0.05, confirm_delay=0.1),
        capture=False,
        **extra,  # type: ignore[arg-type]
    )


async def test_spam_served_only_to_baiduspider_is_cloaking(aiohttp_server):
    county = County(cloak=True)
    run = await inspect_sites([SiteSpec(url=HOME)], options(await serve(aiohttp_server, county)))
    site = run.sites[0]
    assert BAIDUSPIDER_USER_AGENT in county.agents  # asked once as the crawler …
    assert len([a for a in county.agents if "baiduspider" not in a.lower()]) >= 2  # … and as a browser
    cloaked = [e for e in site.illegal if e["kind"] == "cloaking"]
    assert sorted(e["target"] for e in cloaked if e["target"]) == sorted(f"http://{h}/" for h, _ in SPAM)
    assert [e for e in cloaked if e["target"] is None][0]["evidence"].startswith("仅向搜索引擎（百度蜘蛛）返回：网页标题")
    assert all(e["page"] == HOME and e["source"] == "cloaking" and e["seen_at"] for e in cloaked)
    # The page the inspection itself fetched was clean: no finding but the cloaking.
    assert {e["kind"] for e in site.illegal} == {"cloaking"}
    assert "veto.security.incident_unhandled" in site.vetoes
    assert "veto.security.illegal_content" not in site.vetoes


async def test_a_homepage_varying_harmlessly_by_user_agent_is_not_cloaking(aiohttp_server):
    county = County(vary=True)
    run = await inspect_sites([SiteSpec(url=HOME)], options(await serve(aiohttp_server, county)))
    assert BAIDUSPIDER_USER_AGENT in county.agents
    assert run.sites[0].illegal == []
    assert not any(v.startswith("veto.security") for v in run.sites[0].vetoes)


async def test_attachments_are_downloaded_and_their_unmasked_numbers_reported(aiohttp_server):
    run = await inspect_sites([SiteSpec(url=HOME)], options(await serve(aiohttp_server, County())))
    site = run.sites[0]
    got = sorted((e["page"].rsplit("/", 1)[-1], e["kind"], e["masked_value"]) for e in site.privacy)
    assert got == [
        ("btmx.xlsx", "id_number", "3501**********0511"),
        ("lsjz.docx", "id_number", "3301**********9679"),
        ("lsjz.docx", "id_number", "4201**********9276"),
        ("lsjz.docx", "mobile", "182****1998"),
        ("lsjz.docx", "mobile", "195****6456"),
    ]
    # Each entry names the page that links the file, and never holds a full number.
    assert all(e["source"] == f"attachment:http://{HOST}{ARTICLE}" and e["seen_at"] for e in site.privacy)
    assert "330102198706269679" not in repr(site.privacy)
    finding = next(f for f in site.findings if f.indicator == "deduct.publish.privacy")
    assert finding.points == 5.0 and finding.evidence[0].url.endswith((".docx", ".xlsx"))


async def test_attachment_reading_is_bounded_by_count(aiohttp_server):
    run = await inspect_sites(
        [SiteSpec(url=HOME)], options(await serve(aiohttp_server, County()), attachments=AttachmentLimits(max_files=1))
    )
    # Only the first attachment found is read; the spreadsheet after it is not.
    assert {e["page"] for e in run.sites[0].privacy} == {f"http://{HOST}/attach/2024/lsjz.docx"}


async def test_integrity_fetches_can_be_switched_off(aiohttp_server):
    county = County(cloak=True)
    run = await inspect_sites([SiteSpec(url=HOME)], options(await serve(aiohttp_server, county), integrity_fetches=False))
    assert BAIDUSPIDER_USER_AGENT not in county.agents
    assert run.sites[0].illegal == [] and run.sites[0].privacy == []


@pytest.fixture(autouse=True)
def _fixture_present() -> None:
    assert FIXTURE.is_file()
