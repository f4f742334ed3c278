"""Throughput of `extract_links` on a generated, realistic ~30 KB government page.

    python bench/bench_links.py [--seconds 3] [--distinct 3000]

The page imitates a TRS/Hanweb column page: head with stylesheets and scripts, a navigation bar
with drop-down menus (display:none), a 通知公告 list of dated articles, a 友情链接 drop-down,
images with srcset, an iframe and a footer with 网站标识码 / ICP / 公网安备 links; ~60 links in
all. Two figures: distinct pages of one site (navigation links resolved from the join cache,
article links new, as in a crawl) and the same page again (everything cached).
Target: ≥ 1,500 pages/s on one core.
"""

from __future__ import annotations

import argparse
import time

from govinspect.analyze.links import extract_links

PAGE_URL = "http://www.example.gov.cn/xwzx/tzgg/index.html"


def build_page(target_bytes: int = 30_000, variant: int = 0) -> str:
    """A column page of about `target_bytes` UTF-8 bytes with about 60 links.

    `variant` shifts the article ids, so different variants share navigation links (cache
    hits in `join_url`) but not article links (cache misses), as consecutive pages of a crawl do.
    """
    head = """<!DOCTYPE html>
<html lang="zh-CN"><head>
<meta charset="utf-8">
<meta name="SiteName" content="示例市人民政府"><meta name="SiteIDCode" content="5101000001">
<meta name="ColumnName" content="通知公告"><meta name="ColumnType" content="通知公告">
<title>通知公告_示例市人民政府</title>
<link rel="stylesheet" href="/css/common.css"><link rel="stylesheet" href="../../css/list.css">
<link rel="shortcut icon" href="/favicon.ico">
<script src="/js/jquery-1.12.4.min.js"></script><script src="/js/common.js"></script>
<style>.nav li{float:left;width:120px}.list li{line-height:36px;border-bottom:1px dashed #ddd}</style>
</head><body>
<div class="top"><div class="w1200"><span>今天是：<script>document.write(new Date().toLocaleDateString())</script></span>
<a href="javascript:void(0)" onclick="SetHome(this)">设为首页</a> <a href="javascript:void(0)">加入收藏</a>
<a href="/wza/index.html">无障碍浏览</a></div></div>
<div class="header"><img src="/images/logo.png" srcset="/images/logo.png 1x, /images/logo@2x.png 2x" alt="示例市人民政府"></div>
"""
    nav_items = [
        ("首页", "/"),
        ("政务公开", "/zwgk/"),
        ("政务服务", "https://zwfw.example.gov.cn/"),
        ("互动交流", "/hdjl/"),
        ("走进示例", "/zjsl/"),
        ("新闻中心", "/xwzx/"),
    ]
    nav = ['<div class="nav"><ul>']
    for i, (name, href) in enumerate(nav_items):
        nav.append(f'<li><a href="{href}">{name}</a><ul class="sub" style="display:none">')
        for k in range(3):
            nav.append(f'<li><a href="{href}sub{k}/index.html">子栏目{i}{k}</a></li>')
        nav.append("</ul></li>")
    nav.append("</ul></div>")
    crumbs = (
        '<div class="crumb">当前位置：<a href="../../index.html">首页</a> &gt; '
        '<a href="../">新闻中心</a> &gt; <a href="./">通知公告</a></div>'
    )
    items = ['<div class="list"><ul>']
    for k in range(20):
        day = 28 - k
        items.append(
            f'<li><a href="./202406/t202406{day:02d}_{900000 + 100 * variant + k}.html" '
            f'target="_blank" title="关于做好2024年第{k + 1}批政府信息公开工作的通知">关于做好2024年第{k + 1}批政府信息公开'
            f'工作的通知</a><span class="date">2024-06-{day:02d}</span></li>'
        )
    items.append("</ul>")
    items.append(
        '<div class="page"><a href="index.html">首页</a><a href="index_1.html">下一页</a>'
        '<a href="index_2.html">3</a><a href="index_199.html">尾页</a></div></div>'
    )
    friends = [
        '<div class="yqlj"><select onchange="window.open(this.value)"><option value="">国家部委网站</option>'
    ]
    for name, host in [
        ("中国政府网", "www.gov.cn"),
        ("国家发展改革委", "www.ndrc.gov.cn"),
        ("教育部", "www.moe.gov.cn"),
    ]:
        friends.append(f'<option value="http://{host}/">{name}</option>')
    friends.append("</select></div>")
    media = (
        '<iframe src="/include/weather.html" title="天气" frameborder="0"></iframe>'
        '<map name="m"><area shape="rect" coords="0,0,10,10" href="/zt/2024/index.html" alt="专题"></map>'
    )
    footer = """<div class="footer">
<a href="/wzdt/index.html">网站地图</a> | <a href="/lxwm/index.html">联系我们</a> | <a href="/ysbh/index.html">隐私保护</a>
<p>主办单位：示例市人民政府办公室 网站标识码：5101000001</p>
<a href="https://beian.miit.gov.cn/" target="_blank">蜀ICP备05003230号</a>
<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=51010402000001"><img src="/images/ga.png" alt="">川公网安备 51010402000001号</a>
<a href="https://bszs.conac.cn/sitename?method=show&amp;id=0E1A2B3C4D5E"><img src="/images/dzjg.png" alt="党政机关"></a>
<script id="_jiucuo_" sitecode="5101000001" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script>
</div>"""
    body = "".join([head, *nav, crumbs, *items, *friends, media, footer])
    # Pad with the inline scripts and markup that make real pages heavy, without extra links.
    filler = (
        '<div class="hide-text" style="color:#333">政府信息公开工作年度报告、政策解读、'
        "政务服务事项目录、财政预决算公开等内容持续更新。</div>\n"
    )
    chunks = [body]
    size = len(body.encode())
    while size < target_bytes - 20:
        chunks.append(filler)
        size += len(filler.encode())
    chunks.append("</body></html>")
    return "".join(chunks)


def rate_distinct(pages: list[tuple[str, str]]) -> float:
    """Pages per second extracting each page once (URL caches warm for navigation only)."""
    start = time.perf_counter()
    for html, url in pages:
        extract_links(html, url)
    return len(pages) / (time.perf_counter() - start)


def rate_repeated(html: str, url: str, seconds: float) -> float:
    """Pages per second extracting the same page again and again for about `seconds`."""
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(50):
            extract_links(html, url)
        done += 50
    return done / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--distinct", type=int, default=3000)
    args = parser.parse_args()
    html = build_page()
    first = extract_links(html, PAGE_URL)
    print(f"page: {len(html.encode()):,} bytes, {len(first.links)} links, title {first.title!r}")

    # Distinct pages of one site: navigation resolved from the cache, 20 article links new.
    distinct = [
        (build_page(variant=k), f"http://www.example.gov.cn/xwzx/tzgg/index_{k}.html")
        for k in range(1, args.distinct + 1)
    ]
    rate = rate_distinct(distinct)
    print(f"extract_links, distinct pages : {rate:,.0f} pages/s ({len(distinct)} pages)")

    rate = rate_repeated(html, PAGE_URL, args.seconds)
    print(f"extract_links, same page again: {rate:,.0f} pages/s")


if __name__ == "__main__":
    main()
