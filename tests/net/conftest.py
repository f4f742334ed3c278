"""Shared fixtures for the network-layer tests: realistic government pages and local servers.

Every server here listens on 127.0.0.1 only; nothing in these tests touches another address.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest

from govinspect.eventloop import loop_factory
from govinspect.net import FetchConfig, Fetcher

_PROXY_VARS = (
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
)


@pytest.fixture(autouse=True)
def _no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's proxy settings must never route test traffic anywhere but loopback."""
    for name in _PROXY_VARS:
        monkeypatch.delenv(name, raising=False)


# --------------------------------------------------------------------------- pages

_NOTICES = [
    ("关于开展2024年度全市政府网站和政务新媒体检查工作的通知", "2024-06-11"),
    ("市人民政府办公室关于印发《2024年政务公开工作要点》的通知", "2024-06-07"),
    ("关于做好2024年端午节期间安全生产工作的紧急通知", "2024-06-05"),
    ("关于公布第二批市级非物质文化遗产代表性项目名录的公告", "2024-05-30"),
    ("市发展和改革委员会关于2024年第一季度重点项目建设情况的通报", "2024-05-28"),
    ("关于征求《城区老旧小区改造实施方案（征求意见稿）》意见的公告", "2024-05-24"),
    ("市住房和城乡建设局关于开展建筑施工领域安全生产大检查的通知", "2024-05-20"),
    ("关于2024年度事业单位公开招聘工作人员资格复审的公告", "2024-05-16"),
    ("市生态环境局关于镕城工业园区环境影响评价文件受理情况的公示", "2024-05-13"),
    ("关于进一步规范行政许可事项清单管理的通知", "2024-05-09"),
    ("市市场监督管理局关于开展“守护消费”铁拳行动的公告", "2024-05-06"),
    ("关于印发《喆山区数字政府建设三年行动方案》的通知", "2024-04-29"),
    ("关于调整城乡居民基本医疗保险个人缴费标准的通知", "2024-04-25"),
    ("市人力资源和社会保障局关于2024年度职称评审工作的通知", "2024-04-22"),
    ("关于做好2024年防汛抗旱工作的通知", "2024-04-18"),
    ("市教育局关于2024年义务教育阶段招生入学工作的公告", "2024-04-15"),
    ("关于开展“12345”政务服务便民热线满意度调查的公告", "2024-04-11"),
    ("市交通运输局关于部分道路施工期间交通管制的通告", "2024-04-08"),
    ("关于公布2023年度政府信息公开工作年度报告的公告", "2024-03-29"),
    ("关于印发《优化营商环境十条措施》的通知", "2024-03-25"),
]


def _meta_tag(charset: str | None, style: str) -> str:
    if charset is None:
        return ""
    if style == "http-equiv":
        return f'<meta http-equiv="Content-Type" content="text/html; charset={charset}" />'
    return f'<meta charset="{charset}">'


def notice_list_page(charset: str | None = "gb2312", style: str = "http-equiv") -> str:
    """A 通知公告 column list page of a prefecture-level city government, as CMSs render it."""
    items = "\n".join(
        f'          <li><a href="./{date[:4]}{date[5:7]}/t{date.replace("-", "")}_{4410 + i}.html" '
        f'target="_blank" title="{title}">{title}</a><span class="date">{date}</span></li>'
        for i, (title, date) in enumerate(_NOTICES)
    )
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
{_meta_tag(charset, style)}
<meta name="SiteName" content="示例市人民政府" />
<meta name="SiteDomain" content="www.example.gov.cn" />
<meta name="SiteIDCode" content="4210030010" />
<meta name="ColumnName" content="通知公告" />
<meta name="ColumnType" content="通知公告" />
<title>通知公告_示例市人民政府</title>
<link rel="stylesheet" type="text/css" href="/images/style.css" />
<script type="text/javascript" src="/js/jquery-1.8.3.min.js"></script>
</head>
<body>
<div class="top">
  <div class="wza"><a href="javascript:;" id="wza">无障碍浏览</a> | <a href="/zxft/">在线访谈</a> | <a href="http://www.gov.cn/" target="_blank">中国政府网</a></div>
  <div class="logo"><img src="/images/logo.png" alt="示例市人民政府" /></div>
  <form action="/search/" method="get"><input type="text" name="searchword" value="请输入关键字" /><input type="submit" value="搜索" /></form>
</div>
<div class="nav">
  <ul>
    <li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li>
    <li><a href="/hdjl/">互动交流</a></li><li><a href="/zjsl/">走进示例</a></li><li><a href="/xxgk/">政府信息公开</a></li>
  </ul>
</div>
<div class="main">
  <div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 通知公告</div>
  <div class="list">
    <h2>通知公告</h2>
    <ul class="list-ul">
{items}
    </ul>
    <div class="page">共5页&nbsp;&nbsp;<a href="index.html">首页</a> <a href="index_1.html">下一页</a> <a href="index_4.html">尾页</a></div>
  </div>
</div>
<div class="footer">
  <p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> | <a href="/sy/">网站声明</a></p>
  <p>主办单位：示例市人民政府办公室&nbsp;&nbsp;承办单位：示例市大数据管理局</p>
  <p>网站标识码：4210030010&nbsp;&nbsp;<a href="https://beian.miit.gov.cn/" target="_blank">鄂ICP备05003318号</a>&nbsp;&nbsp;
  <a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=42100302000101" target="_blank">鄂公网安备 42100302000101号</a></p>
  <p>地址：示例市沙市区北京中路102号&nbsp;&nbsp;邮编：434000&nbsp;&nbsp;联系电话：0716-8451234</p>
</div>
</body>
</html>
"""


def article_page(charset: str | None = "utf-8") -> str:
    """A 政府信息公开 article (the kind of page a detail check reads), with 索引号 table."""
    paragraphs = "\n".join(
        f'<p style="text-indent:2em">{text}</p>'
        for text in (
            "各县（市、区）人民政府，市政府各部门：",
            (
                "为深入贯彻落实《国务院办公厅关于加强政府网站信息内容建设的意见》和《政府网站发展指引》，"
                "进一步提升全市政府网站和政务新媒体建设管理水平，经市人民政府同意，现就开展2024年度全市"
                "政府网站和政务新媒体检查工作有关事项通知如下。"
            ),
            (
                "一、检查范围。全市各级行政机关开设的政府网站，以及以机关名义开设的政务微博、微信公众号、"
                "移动客户端等政务新媒体。"
            ),
            (
                "二、检查内容。重点检查网站可用性、信息更新情况、互动回应情况和服务实用情况，"
                "对首页栏目长期不更新、空白栏目、链接不可用、错别字等问题进行全面排查。"
            ),
            (
                "三、工作要求。各单位要高度重视，于2024年6月30日前完成自查整改，并将自查报告（加盖公章）"
                "报送市政务公开办公室。联系人：李喆；联系电话：0716-8451234。"
            ),
        )
    )
    meta = _meta_tag(charset, "html5")
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{meta}
<meta name="ArticleTitle" content="关于开展2024年度全市政府网站和政务新媒体检查工作的通知">
<meta name="PubDate" content="2024-06-11 09:30">
<meta name="ContentSource" content="市政府办公室">
<title>关于开展2024年度全市政府网站和政务新媒体检查工作的通知_示例市人民政府</title>
</head>
<body>
<table class="xxgk-table">
  <tr><th>索引号</th><td>011043001/2024-01234</td><th>发布机构</th><td>示例市人民政府办公室</td></tr>
  <tr><th>发文字号</th><td>示政办发〔2024〕12号</td><th>成文日期</th><td>2024年06月07日</td></tr>
</table>
<h1>关于开展2024年度全市政府网站和政务新媒体检查工作的通知</h1>
<div class="info">发布时间：2024-06-11 09:30&nbsp;&nbsp;来源：市政府办公室&nbsp;&nbsp;浏览次数：<span id="hits">1024</span></div>
<div class="article-content">
{paragraphs}
<p style="text-align:right">示例市人民政府办公室<br/>2024年6月7日</p>
</div>
<div class="footer"><p>主办单位：示例市人民政府办公室 网站标识码：4210030010 鄂ICP备05003318号</p></div>
</body>
</html>
"""


@pytest.fixture
def notice_list() -> Callable[..., str]:
    """Builder for the 通知公告 list page: ``notice_list(charset="gb2312", style="http-equiv")``."""
    return notice_list_page


@pytest.fixture
def article() -> Callable[..., str]:
    """Builder for the information-disclosure article page: ``article(charset="utf-8")``."""
    return article_page


# --------------------------------------------------------------------------- clients


@pytest.fixture
async def make_fetcher() -> AsyncIterator[Callable[..., Fetcher]]:
    """Factory for entered Fetchers (``make_fetcher(allow_private=True, ...)``); all closed after."""
    made: list[Fetcher] = []

    def make(**kwargs: object) -> Fetcher:
        fetcher = Fetcher(FetchConfig(**kwargs))  # type: ignore[arg-type]
        made.append(fetcher)
        return fetcher

    yield make
    for fetcher in made:
        await fetcher.close()


# --------------------------------------------------------------------------- raw servers

RawHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


@pytest.fixture
async def raw_server() -> AsyncIterator[Callable[[RawHandler], Awaitable[int]]]:
    """Start a raw TCP server on 127.0.0.1 with a hostile handler; returns its port.

    Handler tasks are tracked and cancelled at teardown, because hostile handlers (trickling
    forever) never finish on their own.
    """
    servers: list[asyncio.Server] = []
    tasks: set[asyncio.Task[None]] = set()

    async def start(handler: RawHandler) -> int:
        async def guarded(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            task = asyncio.current_task()
            assert task is not None
            tasks.add(task)
            try:
                await handler(reader, writer)
            except (ConnectionError, asyncio.CancelledError):
                pass  # the client hanging up on a hostile server is the expected ending
            finally:
                writer.close()
                tasks.discard(task)

        server = await asyncio.start_server(guarded, "127.0.0.1", 0)
        servers.append(server)
        return int(server.sockets[0].getsockname()[1])

    yield start
    for task in list(tasks):
        task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)
    for server in servers:
        server.close()
        await server.wait_closed()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    sock.close()
    return port


@pytest.fixture
def unaccepting_port() -> Iterator[int]:
    """A loopback port whose accept queue is full, so new SYNs are dropped: connect hangs."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = int(listener.getsockname()[1])
    fillers = []
    for _ in range(3):
        filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        filler.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    try:
        yield port
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item) -> dict[str, Any]:
    """pytest-asyncio: each test runs on asyncio's loop, which the library's callers may use,
    and on uvloop, which the command line uses when it is installed (govinspect/eventloop.py)."""
    uv = loop_factory()
    return {"asyncio": asyncio.new_event_loop, **({"uvloop": uv} if uv is not None else {})}
