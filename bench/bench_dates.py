"""Article publish dates on htmldate-zh: govinspect vs htmldate (PyPI), day-level accuracy.

    python bench/bench_dates.py [--bench-dir ../shared/benchmarks/htmldate-zh]
        [--htmldate-python bench/work/venv-htmldate/bin/python] [--markdown]

Pages are read from the benchmark directory (never copied). Ours: the page bytes decoded as
`govinspect extract` decodes them, then `published_date(text, url, as_of=2026-01-01)` (a fixed
date after every page). htmldate runs in its own venv (it is not a project dependency), one
subprocess for all pages, given the raw bytes and the URL, in both modes:
`find_date(html, url=url, original_date=True, extensive_search=True)` and the fast mode
(`extensive_search=False`). Set up the venv with

    python3 -m venv bench/work/venv-htmldate && bench/work/venv-htmldate/bin/pip install htmldate
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from govinspect.analyze.dates import published_date
from govinspect.net.decoding import decode_body

HERE = Path(__file__).resolve().parent
DEFAULT_DIR = HERE.parent.parent / "shared" / "benchmarks" / "htmldate-zh"
AS_OF = date(2026, 1, 1)

HTMLDATE_SCRIPT = r"""
import json, sys, warnings
warnings.filterwarnings("ignore")
import htmldate
from htmldate import find_date
jobs = json.load(sys.stdin)
out = {"version": htmldate.__version__, "results": {}}
for url, path in jobs:
    raw = open(path, "rb").read()
    row = {}
    for mode, ext in (("extensive", True), ("fast", False)):
        try:
            row[mode] = find_date(raw, url=url, original_date=True, extensive_search=ext)
        except Exception as exc:  # report, never stop the run
            row[mode] = "error: " + type(exc).__name__
    out["results"][url] = row
json.dump(out, sys.stdout)
"""


def run_ours(pages: list[tuple[str, Path]], repeat: int) -> tuple[dict[str, tuple[str | None, str]], float]:
    """Our dates per URL and pages/s (decode + published_date, best of `repeat` timed passes)."""
    bodies = [(url, path.read_bytes()) for url, path in pages]
    results: dict[str, tuple[str | None, str]] = {}
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for url, body in bodies:
            text, _enc = decode_body(body, None)
            d, how = published_date(text, url, as_of=AS_OF)
            results[url] = (d.isoformat() if d else None, how)
        best = min(best, time.perf_counter() - t0)
    return results, len(bodies) / best


def run_htmldate(pages: list[tuple[str, Path]], python: str) -> dict:
    jobs = [(url, str(path)) for url, path in pages]
    proc = subprocess.run(
        [python, "-c", HTMLDATE_SCRIPT], input=json.dumps(jobs), capture_output=True, text=True, check=True
    )
    return json.loads(proc.stdout)


def _mark(value: str | None, want: str) -> str:
    """The value as shown in the tables, with ✗ when it is not the expected day."""
    return f"{value or '—'}{'' if value == want else ' ✗'}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench-dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--htmldate-python", default=str(HERE / "work" / "venv-htmldate" / "bin" / "python"))
    ap.add_argument("--repeat", type=int, default=20, help="timed passes for ours' pages/s")
    ap.add_argument("--markdown", action="store_true", help="also print the RESULTS.md table")
    args = ap.parse_args()

    expected = json.loads((args.bench_dir / "expected.json").read_text("utf-8"))
    pages = [(url, args.bench_dir / e["file"]) for url, e in expected.items()]
    ours, pps = run_ours(pages, args.repeat)
    hd = run_htmldate(pages, args.htmldate_python)

    hits = {"ours": 0, "extensive": 0, "fast": 0}
    rows = []
    print(f"{'page':<58} {'expected':<10} {'ours':<10} {'how':<28} {'htmldate':<10} {'hd fast':<10}")
    for url, e in expected.items():
        name = Path(e["file"]).name
        want = e["date"]
        o, how = ours[url]
        ext = hd["results"][url]["extensive"]
        fast = hd["results"][url]["fast"]
        hits["ours"] += o == want
        hits["extensive"] += ext == want
        hits["fast"] += fast == want

        mo, me, mf = (_mark(v, want) for v in (o, ext, fast))
        rows.append((name, want, mo, how, me, mf))
        print(f"{name:<58} {want:<10} {mo:<10} {how:<28} {me:<10} {mf:<10}")
    n = len(expected)
    print(
        f"\naccuracy (day): ours {hits['ours']}/{n}, htmldate {hd['version']} extensive "
        f"{hits['extensive']}/{n}, fast {hits['fast']}/{n}; ours {pps:,.0f} pages/s "
        f"(decode + published_date, best of {args.repeat})"
    )
    if args.markdown:
        print("\n| page | expected | ours (how) | htmldate extensive | htmldate fast |")
        print("| --- | --- | --- | --- | --- |")
        for name, want, o, how, ext, fast in rows:
            print(f"| `{name}` | {want} | {o} ({how}) | {ext} | {fast} |")
        print(f"| **total** | {n} | **{hits['ours']}/{n}** | **{hits['extensive']}/{n}** | **{hits['fast']}/{n}** |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
