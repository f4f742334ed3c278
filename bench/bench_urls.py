"""Throughput of `join_url` on a realistic link mix.

The crawler resolves ~60 links per page at ~400 pages/s. On a government site most of those are
navigation/footer links repeated on every page (cache hits after the first page); the rest are
article links unique to the page (cache misses). This script measures both regimes and the mix:

    python bench/bench_urls.py [--pages 2000]

Targets: ≥ 300,000 calls/s with cache hits, ≥ 80,000 calls/s on cache misses.
"""

from __future__ import annotations

import argparse
import random
import time

from govinspect.crawl import urls
from govinspect.crawl.urls import join_url, normalize_url

SITE = "http://www.example.gov.cn"

# Shapes seen on TRS / Hanweb / Founder portals: absolute paths, relative paths, dot segments,
# backslashes, absolute URLs to sister sites, scheme-relative assets, junk.
NAV_LINKS = [
    "/",
    "/index.html",
    "/zwgk/",
    "/zwgk/zfxxgk/",
    "/zwgk/zcwj/index.html",
    "/xwzx/tzgg/",
    "/xwzx/bmdt/index.html",
    "/hdjl/zxts/",
    "/hdjl/myzj/index.shtml",
    "/zwfw/bsfw/index.html",
    "../../index.html",
    "../index.html",
    "./index_1.html",
    "index_2.html",
    "http://www.gov.cn/",
    "http://www.sc.gov.cn/",
    "https://zwfw.sc.gov.cn/",
    "http://bszs.conac.cn/sitename?method=show&id=12345",
    "http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=51010402000001",
    "https://beian.miit.gov.cn/",
    "//cdn.example.gov.cn/images/logo.png",
    "/images/banner.jpg",
    "/css/style.css",
    "/js/jquery.min.js",
    "javascript:void(0);",
    "#",
    "mailto:webmaster@example.gov.cn",
    "..\\xxgk\\index.html",
    " /xwzx/zwyw/ ",
    "/module/web/jpage/dataproxy.jsp?page=1&webid=1&path=http://www.example.gov.cn/",
    "/col/col1229/index.html",
    "/col/col1230/index.html?uid=4567&pageNum=2",
    "/attach/0/政府信息公开指南.pdf",
    "/search/index.html?q=%E6%94%BF%E5%BA%9C",
]
DIRS = ["/xwzx/tzgg/", "/xwzx/bmdt/", "/zwgk/zcwj/", "/zwgk/zfxxgk/fdzdgknr/", "/hdjl/zxts/"]


def page_links(rng: random.Random, page_no: int) -> tuple[str, list[str]]:
    """One page: its URL, 34 navigation links and 26 article links unique to it."""
    directory = rng.choice(DIRS)
    base = f"{SITE}{directory}index_{page_no}.html"
    articles = []
    for k in range(26):
        n = page_no * 100 + k
        shape = k % 4
        if shape == 0:
            articles.append(f"./202406/t202406{k % 28 + 1:02d}_{n}.html")
        elif shape == 1:
            articles.append(f"/art/2024/6/{k % 28 + 1}/art_1229_{n}.html")
        elif shape == 2:
            articles.append(f"{SITE}/content/2024-06/{k % 28 + 1:02d}/content_{n}.htm")
        else:
            articles.append(f"../bmdt/202406/P0202406{n}.pdf")
    links = NAV_LINKS + articles
    rng.shuffle(links)
    return base, links


def unique(href: str, i: int) -> str:
    """The same href shape made unique to page `i`, so no cache can answer it."""
    if "?" in href:
        return f"{href.strip()}&v={i}"
    if href.startswith(("javascript:", "mailto:")) or href == "#":
        return f"{href}{i}"
    return f"{href.strip()}?v={i}"


def clear_caches() -> None:
    urls._JOIN_CACHE.clear()
    urls._BASES.clear()
    urls._AUTH_CACHE.clear()


def run(pages: list[tuple[str, list[str]]]) -> tuple[int, float]:
    calls = 0
    start = time.perf_counter()
    for base, links in pages:
        for href in links:
            join_url(base, href)
        calls += len(links)
    return calls, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    args = parser.parse_args()
    rng = random.Random(7)
    pages = [page_links(rng, i) for i in range(args.pages)]

    # Cache misses: every (base, href) pair is new — each href gets a page-unique suffix.
    miss_pages = [(base, [unique(h, i) for h in links]) for i, (base, links) in enumerate(pages)]
    clear_caches()
    calls, secs = run(miss_pages)
    print(f"join_url cache misses : {calls / secs:>12,.0f} calls/s  ({calls:,} calls)")

    # Realistic mix: nav links hit after the first page, article links miss.
    clear_caches()
    calls, secs = run(pages)
    print(f"join_url realistic mix: {calls / secs:>12,.0f} calls/s  ({calls:,} calls)")

    # Cache hits: the same pages again (a second crawl of the site / re-extraction).
    calls, secs = run(pages)
    print(f"join_url cache hits   : {calls / secs:>12,.0f} calls/s  ({calls:,} calls)")

    sample = [f"{SITE}{d}index_{i}.html?a=1#x" for i, d in enumerate(DIRS * 2000)]
    start = time.perf_counter()
    for u in sample:
        normalize_url(u)
    secs = time.perf_counter() - start
    print(f"normalize_url         : {len(sample) / secs:>12,.0f} calls/s")


if __name__ == "__main__":
    main()
