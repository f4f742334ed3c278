"""What the content-integrity checks add to the analysis of a page, however long the
dictionaries grow.

Usage: python bench/bench_integrity.py [--sites 12] [--reps 5] [--extra-terms 1500]
                                      [--real-pages DIR] [--out FILE]

Pages are the simulated province's HTML pages (its seeded misstatements, hidden links, 公示
tables and traps included), rendered once up front. Each repetition runs
`crawl.pageanalysis.analyse_text` over every page, as the crawl's analysis worker does
(links, page facts, integrity facts; one parse per page), three ways:

- without integrity (`analyze.integrity.page_integrity` replaced by an empty result),
- with integrity and the packaged critical-terms dictionary,
- with integrity and the dictionary inflated by `--extra-terms` made-up terms (common Han
  characters, 4–8 long, each expanded into its homophone/look-alike/drop/swap wrong forms like
  a real term: tens of thousands of extra patterns in the automaton).

CPU time (time.process_time) of each pass; the median of the repetitions is reported, with the
per-page cost and the overhead over the analysis without integrity. The pass order rotates
between repetitions so no configuration always runs warm or cold. The overhead is the median,
over the repetitions, of each repetition's own ratio (its pass with integrity against its pass
without, run one after the other): on a shared machine whose speed drifts over minutes, a
ratio of the medians compares passes run far apart. Each pass with integrity also times
`page_integrity` inside it: its share of the rest of the same pass is the second figure.

`--real-pages` (default: the htmldate-zh pages of ../shared/benchmarks, read in place, never
copied) repeats the measurement on real published pages: large news and portal pages with
long inline scripts, where the rest of the analysis costs far more than on simulated pages.

The integrity checks skip what a site repeats on its pages (analyze/repeated.py): each pass
starts with nothing kept, and the real pages (ten pages of ten sites, each repeated ten times
in a pass) are analysed cold, as the first page of their site, every time.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any
from importlib import resources
from pathlib import Path

import yaml

import govinspect.analyze.integrity as integrity_module
import govinspect.analyze.misstatements as misstatements
import govinspect.crawl.pageanalysis as pageanalysis
from govinspect.analyze import repeated
from govinspect.analyze.integrity import PageIntegrity
from govinspect.sandbox import build_province


def inflated_terms(extra: int, seed: int = 7) -> misstatements.CriticalTerms:
    """The packaged dictionary plus `extra` made-up formulations (compiled like real ones)."""
    pkg = resources.files("govinspect.data")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(pkg.joinpath("critical_terms.yaml").read_text("utf-8"), Loader=loader)
    confusion = yaml.load(pkg.joinpath("confusion_chars.yaml").read_text("utf-8"), Loader=loader)
    rng = random.Random(seed)
    common = misstatements._common_chars()
    made_up = {"".join(rng.choice(common) for _ in range(rng.randint(4, 8))) for _ in range(extra)}
    data["formulations"]["terms"] = list(data["formulations"]["terms"]) + sorted(made_up)
    return misstatements._compile(data, confusion)


_PACKAGED = misstatements._default_terms()
_REAL_INTEGRITY = integrity_module.page_integrity


def main() -> None:
    """Render the province, then time page analysis with and without the integrity checks."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sites", type=int, default=12)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--extra-terms", type=int, default=1500)
    ap.add_argument(
        "--real-pages",
        type=Path,
        default=Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "htmldate-zh" / "pages",
        help="a folder of real HTML pages (UTF-8 or GB18030) measured too when it exists",
    )
    ap.add_argument("--out", type=Path, default=None, help="also append the figures (Markdown) to this file")
    args = ap.parse_args()

    province = build_province(1, args.sites)
    pages: list[tuple[str, str, bool, frozenset[str]]] = []
    for site in province.sites:
        hosts = frozenset(site.hostnames)
        for path in site.iter_pages():
            html = site.render(path)
            if html is not None:
                pages.append((site.url(path), html, path == "/", hosts))
    corpora = [(f"simulated province ({args.sites} sites)", pages, province.as_of)]
    if args.real_pages.is_dir():
        corpora.append(
            (
                f"real pages ({args.real_pages.name}/ of {args.real_pages.parent.name})",
                real_pages(args.real_pages),
                province.as_of,
            )
        )
    text = "\n\n".join(measure(name, ps, as_of, args) for name, ps, as_of in corpora)
    print(text)
    if args.out is not None:
        with args.out.open("a", encoding="utf-8") as fh:
            fh.write("\n```\npython " + " ".join(sys.argv) + "\n```\n\n" + text + "\n")


def real_pages(folder: Path) -> list[tuple[str, str, bool, frozenset[str]]]:
    """The pages of `folder` as if each were an article of one government site."""
    out = []
    for path in sorted(folder.iterdir()):
        raw = path.read_bytes()
        try:
            html = raw.decode("utf-8")
        except UnicodeDecodeError:
            html = raw.decode("gb18030", errors="replace")
        out.append((f"http://www.example.gov.cn/art/{path.name}", html, False, frozenset({"www.example.gov.cn"})))
    return out


def measure(
    corpus: str, pages: list[tuple[str, str, bool, frozenset[str]]], as_of: object, args: argparse.Namespace
) -> str:
    """Time the three configurations over `pages`; the Markdown lines of the figures."""
    total_mb = sum(len(h.encode("utf-8")) for _, h, _, _ in pages) / 1e6
    # Real pages are few (and large): repeat them so a pass lasts long enough to time.
    rounds = 1 if len(pages) >= 100 else 10

    packaged = _PACKAGED
    t0 = time.process_time()
    big = inflated_terms(args.extra_terms)
    build_s = time.process_time() - t0
    inside = [0.0]

    def timed_integrity(*a: Any, **k: Any) -> PageIntegrity:
        start = time.process_time()
        try:
            return _REAL_INTEGRITY(*a, **k)
        finally:
            inside[0] += time.process_time() - start

    def empty_integrity(*_a: object, **_k: object) -> PageIntegrity:
        return PageIntegrity(())

    # The integrity analysers keep a few pages per site to skip what the site repeats
    # (analyze/repeated.py). A pass starts with none kept, as an inspection does; the real
    # pages are unrelated pages repeated to make a pass long enough, so each is analysed cold
    # (nothing kept from its own earlier rounds).
    cold = rounds > 1

    def one_pass() -> float:
        repeated.clear()
        start = time.process_time()
        for _ in range(rounds):
            for url, html, is_home, hosts in pages:
                if cold:
                    repeated.clear()
                pageanalysis.analyse_text(html, "utf-8", url, as_of=as_of, is_home=is_home, site_hosts=hosts)
        return time.process_time() - start

    def configure(integrity: bool, terms: misstatements.CriticalTerms) -> None:
        # analyse_text imports page_integrity from its module on each call with `as_of`.
        integrity_module.page_integrity = timed_integrity if integrity else empty_integrity  # type: ignore[assignment]
        misstatements._default_terms = lambda: terms  # type: ignore[assignment]

    configs: list[tuple[str, Callable[[], None]]] = [
        ("without integrity", lambda: configure(False, packaged)),
        ("with integrity, packaged dictionary", lambda: configure(True, packaged)),
        (f"with integrity, +{args.extra_terms:,} made-up terms", lambda: configure(True, big)),
    ]
    for _, setup in configs:  # warm-up: lazy loads (jieba, lexicons, pinyin) are not page costs
        setup()
        one_pass()
    times: dict[str, list[float]] = {name: [] for name, _ in configs}
    shares: dict[str, list[float]] = {name: [] for name, _ in configs}
    for rep in range(args.reps):
        for k in range(len(configs)):
            name, setup = configs[(k + rep) % len(configs)]
            setup()
            inside[0] = 0.0
            spent = one_pass()
            times[name].append(spent)
            shares[name].append(inside[0] / max(spent - inside[0], 1e-9))
    configure(True, packaged)
    integrity_module.page_integrity = _REAL_INTEGRITY  # type: ignore[assignment]

    n = len(pages) * rounds
    lines = [
        f"**{corpus}** — pages: {len(pages)} ({total_mb:.1f} MB of HTML), each pass {rounds}× over them; "
        f"median of {args.reps} repetitions, CPU time (time.process_time)",
        f"critical-terms automaton: {packaged.automaton_size if hasattr(packaged, 'automaton_size') else len(packaged.patterns):,} "
        f"patterns packaged; {len(big.patterns):,} inflated (+{len(big.patterns) - len(packaged.patterns):,}, "
        f"compiled in {build_s:.1f} s)",
        "",
        "| analysis of a page | ms/page | overhead (pass vs pass, median of the repetitions' ratios) "
        "| integrity's share of the same pass |",
        "| --- | ---: | ---: | ---: |",
    ]
    base_times = times[configs[0][0]]
    for name, _ in configs:
        med = statistics.median(times[name])
        first = name == configs[0][0]
        ratios = [t / b for t, b in zip(times[name], base_times)]
        over = "—" if first else f"{100 * (statistics.median(ratios) - 1):+.1f} %"
        share = "—" if first else f"{100 * statistics.median(shares[name]):.1f} %"
        lines.append(f"| {name} | {1000 * med / n:.3f} | {over} | {share} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
