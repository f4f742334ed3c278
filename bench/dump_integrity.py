"""Dump the integrity facts of every benchmark page, to compare two versions of the analysers.

Usage: python bench/dump_integrity.py OUT.json [--order given|shuffled|reversed] [--inflated]

The pages are those of bench_integrity.py (the simulated province, seed 1, 12 sites, and the
real htmldate-zh pages) and the fixture pages of tests/fixtures/pages, analysed through `crawl.pageanalysis.analyse_text` as the crawl's
worker does. Each page's hits, fingerprint and errors are written keyed by its URL, so two
dumps (before/after a change, or two page orders) compare with `cmp` or `diff`.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import govinspect.analyze.misstatements as misstatements
import govinspect.crawl.pageanalysis as pageanalysis
from govinspect.net.decoding import decode_body
from govinspect.sandbox import build_province

_ROOT = Path(__file__).resolve().parents[1]


def _inflated(extra: int, seed: int = 7) -> misstatements.CriticalTerms:
    """The packaged dictionary plus `extra` made-up terms, as bench_integrity.inflated_terms
    builds it (repeated here so this script runs against older versions of the package)."""
    from importlib import resources

    import yaml

    pkg = resources.files("govinspect.data")
    data = yaml.safe_load(pkg.joinpath("critical_terms.yaml").read_text("utf-8"))
    confusion = yaml.safe_load(pkg.joinpath("confusion_chars.yaml").read_text("utf-8"))
    rng = random.Random(seed)
    common = misstatements._common_chars()
    made_up = {"".join(rng.choice(common) for _ in range(rng.randint(4, 8))) for _ in range(extra)}
    data["formulations"]["terms"] = list(data["formulations"]["terms"]) + sorted(made_up)
    return misstatements._compile(data, confusion)


def main() -> None:
    """Analyse every page and write its integrity facts as JSON."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", type=Path)
    ap.add_argument("--order", choices=("given", "shuffled", "reversed"), default="given")
    ap.add_argument("--inflated", action="store_true", help="use the +1,500 made-up terms dictionary")
    args = ap.parse_args()
    # The pages as bench_integrity.py lists them, written out here rather than imported: this
    # script must also run on the code from before a change (for the before/after comparison), and
    # bench_integrity imports modules that older code does not have.
    province = build_province(1, 12)
    pages = []
    for site in province.sites:
        hosts = frozenset(site.hostnames)
        for path in site.iter_pages():
            html = site.render(path)
            if html is not None:
                pages.append((site.url(path), html, path == "/", hosts))
    real = _ROOT.parent / "shared" / "benchmarks" / "htmldate-zh" / "pages"
    for path in sorted(real.iterdir()) if real.is_dir() else ():
        raw = path.read_bytes()
        try:
            html = raw.decode("utf-8")
        except UnicodeDecodeError:
            html = raw.decode("gb18030", errors="replace")
        pages.append((f"http://www.example.gov.cn/art/{path.name}", html, False, frozenset({"www.example.gov.cn"})))
    # The project's fixture pages, as pages of one site (some under a column, some articles).
    for i, path in enumerate(sorted((_ROOT / "tests" / "fixtures" / "pages").glob("*.html"))):
        html = decode_body(path.read_bytes(), None)[0]
        url = f"http://www.sc.gov.cn/zwgk/{path.stem}/index.html" if i % 2 else f"http://www.sc.gov.cn/art/{path.stem}.html"
        pages.append((url, html, path.stem.startswith("portal_home"), frozenset({"www.sc.gov.cn"})))
    if args.inflated:
        big = _inflated(1500)
        misstatements._default_terms = lambda: big  # type: ignore[assignment]
    order = list(range(len(pages)))
    if args.order == "shuffled":
        random.Random(3).shuffle(order)
    elif args.order == "reversed":
        order.reverse()
    out: dict[str, object] = {}
    for i in order:
        url, html, is_home, hosts = pages[i]
        a = pageanalysis.analyse_text(html, "utf-8", url, as_of=province.as_of, is_home=is_home, site_hosts=hosts)
        integ = a.integrity
        out[url] = None if integ is None else {
            "hits": [list(h) for h in integ.hits],
            "fingerprint": integ.fingerprint,
            "errors": list(integ.errors),
        }
    args.out.write_text(json.dumps(out, ensure_ascii=False, sort_keys=True, indent=0, default=str), "utf-8")
    n_hits = sum(len(v["hits"]) for v in out.values() if v)
    print(f"{len(out)} pages, {n_hits} hits -> {args.out}")


if __name__ == "__main__":
    main()
