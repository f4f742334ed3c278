"""Outside hosts the province's pages link to: the national portal, the footer services
(找错, 党政机关标识, ICP/公安备案), WAF-protected hosts, and hosts that no longer exist."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from govinspect.sandbox.model import Resource

# Linked to but never served: with --offline these fail as DNS.
DEAD_HOSTS: tuple[str, ...] = (
    "www.oldbureau-abolished.gov.cn",
    "www.mnjgbz.gov.cn",
    "zwfw.old-platform.gov.cn",
)
# (host, seeded kind): every path answers with the host's anti-bot challenge.
WAF_HOSTS: tuple[tuple[str, str], ...] = (
    ("www.waf-protected.gov.cn", "waf_412"),
    ("www.cdn-shield.gov.cn", "waf_403"),
    ("www.jsl-guard.gov.cn", "waf_521"),
)
_CHALLENGE_OF = {"waf_412": "ruishu_412", "waf_403": "js_403", "waf_521": "jsl_521"}

GOV_PAGES: tuple[str, ...] = (
    "/zhengce/content/202405/content_6950012.htm",
    "/zhengce/content/202405/content_6951377.htm",
    "/zhengce/content/202404/content_6943920.htm",
    "/zhengce/content/202403/content_6940158.htm",
    "/zhengce/zhengceku/202402/content_6933011.htm",
    "/xinwen/2024-06/03/content_6955013.htm",
    "/xinwen/2024-05/28/content_6954120.htm",
    "/fuwu/2024-04/18/content_6946012.htm",
)
GOV_MISSING_PAGES: tuple[str, ...] = (
    "/zhengce/content/2019-01/05/content_5354321.htm",
    "/zwgk/2017-08/11/content_5216788.htm",
    "/xinwen/2018-03/22/content_5276543.htm",
    "/gongbao/content/2016/content_5098765.htm",
)
# The provincial departments' columns on the province portal (friend links of big sites).
PROVINCE_DEPTS: tuple[tuple[str, str], ...] = tuple(
    (f"/col/col{100 + k}/index.html", f"省{name}")
    for k, name in enumerate(["发展改革委", "教育厅", "公安厅", "民政厅", "财政厅", "人力社保厅", "自然资源厅", "生态环境厅",
                              "住建厅", "交通运输厅", "水利厅", "农业农村厅", "商务厅", "文旅厅", "卫健委", "应急管理厅"])
)
GOV_REDIRECT_PATH = "/zhengce/xxgk/index.htm"  # 301 → /zhengce/zhengceku/ (ok)


@dataclass(eq=False)
class ExternalHost:
    """A host outside the province that the sandbox answers for."""

    hostname: str
    name: str
    pages: dict[str, str] = field(default_factory=dict)  # path → title
    prefixes: tuple[str, ...] = ()  # any path starting with one of these is a page (query ignored)
    images: tuple[str, ...] = ()
    redirects: dict[str, tuple[int, str]] = field(default_factory=dict)
    challenge: str | None = None
    ignore_query: bool = False  # static mode: nginx serves files whatever the query

    def lookup(self, path_qs: str) -> Resource:
        """What the server answers for `path_qs`."""
        if self.challenge:
            return Resource("challenge", status=int(self.challenge[-3:]), challenge=self.challenge)
        path = path_qs.partition("?")[0]
        if path_qs in self.redirects:
            status, location = self.redirects[path_qs]
            return Resource("redirect", status=status, location=location)
        if path_qs in self.pages or (self.ignore_query and path in self.pages):
            return Resource("page", ("external", path))
        if any(path.startswith(p) for p in self.prefixes):
            return Resource("page", ("external", path))
        if path in self.images:
            return Resource("file", ("image", path.rsplit(".", 1)[-1]))
        if path == "/robots.txt":
            return Resource("file", ("robots",))
        return Resource("not_found", status=404)

    def render(self, path: str) -> str:
        """A plain page for `path` (outside pages are checked, never crawled)."""
        title = self.pages.get(path) or self.name
        return (
            '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(self.name)}</h1>"
            f"<p>{html.escape(title)}</p></body></html>"
        )


def _live_hosts() -> list[ExternalHost]:
    gov = {"/": "中国政府网", "/zhengce/": "政策", "/xinwen/": "新闻", "/hudong/": "互动", "/fuwu/": "服务",
           "/zhengce/zhengceku/": "国务院政策文件库"}
    gov.update({p: "国务院文件" for p in GOV_PAGES})
    moni = {"/": "模拟省人民政府", "/zwgk/": "政务公开", "/zwfw/": "政务服务"}
    moni.update({path: name for path, name in PROVINCE_DEPTS})
    hosts = [
        ExternalHost("www.gov.cn", "中国政府网", gov, redirects={GOV_REDIRECT_PATH: (301, "/zhengce/zhengceku/")}),
        ExternalHost("www.moni.gov.cn", "模拟省人民政府", moni),
        ExternalHost("zfwzgl.www.gov.cn", "我为政府网站找错", prefixes=("/exposure/jiucuo.html",)),
        ExternalHost("bszs.conac.cn", "党政机关网站标识", prefixes=("/sitename",)),
        ExternalHost("dcs.conac.cn", "党政机关网站标识", images=("/image/red.png",)),
        ExternalHost("beian.miit.gov.cn", "ICP/IP地址/域名信息备案管理系统", {"/": "ICP备案"}),
        ExternalHost("www.beian.gov.cn", "全国互联网安全管理服务平台", prefixes=("/portal/registerSystemInfo",)),
    ]
    for host, kind in WAF_HOSTS:
        hosts.append(ExternalHost(host, "政务服务网", challenge=_CHALLENGE_OF[kind]))
    # The link farms and script hosts of the hacked pages (sandbox/integrity.py) are alive.
    from govinspect.sandbox.integrity import TAMPER_SCRIPT, spam_hosts

    for host, text in [*spam_hosts(), (TAMPER_SCRIPT[0], "站长统计")]:
        hosts.append(ExternalHost(host, text, {"/": text}, prefixes=("/js/",)))
    return hosts


def build_external_hosts(mode: str, external_port: int) -> tuple[dict[str, ExternalHost], dict[str, str]]:
    """(hostname → ExternalHost, hostname → dead reason) for a province in `mode`.

    In static mode (the nginx benchmark copy) every live outside host is folded onto one
    loopback IP host, `127.0.0.2:PORT/<host>/<path>`, and the dead ones onto `127.0.0.3:9`.
    """
    live = _live_hosts()
    if mode != "static":
        return {h.hostname: h for h in live}, {h: "dns" for h in DEAD_HOSTS}
    folded = ExternalHost("127.0.0.2", "模拟互联网", ignore_query=True)
    for h in live:
        if h.challenge:
            continue
        for path, title in h.pages.items():
            folded.pages[f"/{h.hostname}{path}"] = title
        # A static server answers a prefix only for the file itself.
        for prefix in h.prefixes:
            folded.pages[f"/{h.hostname}{prefix}"] = h.name
        folded.images += tuple(f"/{h.hostname}{p}" for p in h.images)
    return {"127.0.0.2": folded}, {"127.0.0.3": "refused"}
