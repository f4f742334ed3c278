"""Added time per page of `page_illegal` (hidden links, titles, spam text) on realistic homepages.

Usage: PYTHONPATH=src python bench/bench_illegal.py [--rounds 5] [--repeat 200] [--sites 12]

For each page the script times, best of `rounds` (each the mean of `repeat` runs):

- parse:   `LexborHTMLParser(html)` alone;
- analyse: `govinspect.extract.analyse_page` — decoding, the one shared parse and every
           analyser of the extract view (links, dates, list items, page type, columns);
- illegal: `page_illegal(html, url, tree=tree)` on that shared tree (what it adds per page).

Pages: the county homepage of the tests (clean, and with the usual injection: spam title, a
hidden link block, a document.write link), the same homepage scaled to a portal's size (its
content blocks six times, ~27 KB), the TRS portal homepage fixture (GBK), and the homepages of
the simulated province (`--sites`). The issue's budget: < 20 % of a page's analysis time.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from govinspect.analyze.illegal import page_illegal
from govinspect.extract import analyse_page
from govinspect.net.decoding import decode_body
from govinspect.sandbox import build_province

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
AS_OF = datetime(2024, 6, 20, 12, 0)

INJECTION = (
    '<div style="position:absolute;top:-999px;left:-999px">'
    + "".join(
        f'<a href="http://www.{d}.com/">{t}</a>'
        for d, t in [("amxpj8", "澳门新葡京"), ("js9905", "金沙娱乐"), ("tyc1688", "太阳城娱乐"), ("bjl-888", "百家乐")]
    )
    + "</div><script>document.write(unescape('%3Ca%20href%3D%22http%3A//www.ssc88.cc/%22%3E%u65F6%u65F6%u5F69%3C/a%3E'));</script>"
)


def _best(fn: Callable[[], object], rounds: int, repeat: int) -> float:
    """Best-of-`rounds` mean seconds per call."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        best = min(best, (time.perf_counter() - start) / repeat)
    return best


def _pages(sites: int) -> list[tuple[str, str, bytes, str]]:
    """(label, url, body bytes, content type) of the benchmarked pages."""
    clean = (FIXTURES / "illegal" / "county_home_clean.html").read_text("utf-8")
    hacked = clean.replace("<title>云溪县人民政府</title>", "<title>澳门新葡京-太阳城娱乐-云溪县人民政府</title>")
    hacked = hacked.replace('<div class="footer">', INJECTION + '<div class="footer">', 1)
    start = clean.index('<div class="main w1200"')
    end = clean.index('<div class="yqlj-box">')
    large = clean[:end] + clean[start:end] * 5 + clean[end:]
    home = "http://www.yunxi.gov.cn/"
    utf8 = "text/html; charset=utf-8"
    pages = [
        ("county homepage (clean)", home, clean.encode("utf-8"), utf8),
        ("county homepage (hacked)", home, hacked.encode("utf-8"), utf8),
        ("county homepage x6 (portal size)", home, large.encode("utf-8"), utf8),
        (
            "TRS portal homepage (GBK)",
            "http://www.jyx.gov.cn/",
            (FIXTURES / "pages" / "portal_home_trs_gbk.html").read_bytes(),
            "text/html",
        ),
    ]
    if sites:
        province = build_province(1, sites)
        for site in province.sites:
            html = site.render("/")
            if html is not None:
                pages.append((f"province homepage {site.url('/')}", site.url("/"), html.encode("utf-8"), utf8))
    return pages


def main() -> None:
    """Time parse, full page analysis and page_illegal on each page and print a Markdown table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=200)
    ap.add_argument("--sites", type=int, default=12)
    args = ap.parse_args()

    print("| page | KB | parse ms | analyse_page ms | page_illegal ms | illegal / analyse | findings |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    province_rows: list[tuple[float, float, float]] = []
    for label, url, body, ctype in _pages(args.sites):
        html = decode_body(body, ctype)[0]
        tree = LexborHTMLParser(html)
        # Default arguments bind this page's values (the lambdas run inside this iteration).
        parse = _best(lambda h=html: LexborHTMLParser(h), args.rounds, args.repeat)
        analyse = _best(lambda b=body, c=ctype, u=url: analyse_page("bench", b, c, u, AS_OF), args.rounds, args.repeat)
        illegal = _best(lambda h=html, u=url, t=tree: page_illegal(h, u, tree=t), args.rounds, args.repeat)
        findings = len(page_illegal(html, url, tree=tree))
        if label.startswith("province"):
            province_rows.append((parse, analyse, illegal))
            continue
        print(
            f"| {label} | {len(body) / 1024:.1f} | {parse * 1e3:.3f} | {analyse * 1e3:.2f} | {illegal * 1e3:.3f} "
            f"| {illegal / analyse:.1%} | {findings} |"
        )
    if province_rows:
        parse = statistics.mean(r[0] for r in province_rows)
        analyse = statistics.mean(r[1] for r in province_rows)
        illegal = statistics.mean(r[2] for r in province_rows)
        print(
            f"| simulated province, {len(province_rows)} homepages (mean) | – | {parse * 1e3:.3f} | {analyse * 1e3:.2f} "
            f"| {illegal * 1e3:.3f} | {illegal / analyse:.1%} | 0 |"
        )


if __name__ == "__main__":
    main()
