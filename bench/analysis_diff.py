#!/usr/bin/env python3
"""Is page analysis unchanged? `analyse_page` of two checkouts over the same pages, compared.

Speed work on `crawl/pageanalysis.py` and the analyzers must keep every fact identical. This
script collects a fixed set of pages once:

- every page of the simulated province (seed 1, 12 sites), rendered in memory;
- the benchmark's big site (`bench_speed.py`'s export, `--big-pages` pages, GBK bytes);
- every HTML fixture under tests/;
- the real pages of ../shared/benchmarks/htmldate-zh,

then runs `analyse_page` over them in child processes, one per (checkout, page order): the
reference checkout (`--base`, e.g. main's `src/` in a `git archive` copy) in document order,
and the code under test in document order, reversed and shuffled (per-process caches must not
make a result depend on which pages came before). Every output is turned into plain data
(named tuples, dataclasses, sets → tuples/dicts/sorted lists) and compared field by field.

Usage:
  python bench/analysis_diff.py --base /tmp/analysis-base/src            # compare, exit 1 on any difference
  python bench/analysis_diff.py --base /tmp/analysis-base/src --no-big   # without the 3,000-page site

Only files on disk and 127.0.0.0/8 (none: nothing is served) are involved.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SHARED = REPO.parent / "shared" / "benchmarks" / "htmldate-zh"

# One page: (key, url, body bytes, content type, is_home, site hosts); as_of is one for all.
Page = tuple[str, str, bytes, str | None, bool, frozenset[str]]


def collect(big_pages: int, seed: int) -> tuple[list[Page], Any]:
    """The pages compared, and the as_of date they are analysed at."""
    sys.path.insert(0, str(REPO / "src"))
    from govinspect.sandbox import build_province

    province = build_province(seed, 12)
    as_of = province.as_of
    pages: list[Page] = []
    for site in province.sites:
        hosts = frozenset(site.hostnames)
        for path in site.iter_pages():
            html = site.render(path)
            if html is None:
                continue
            url = site.url(path)
            body = html.encode("utf-8") if isinstance(html, str) else html
            pages.append((f"province {url}", url, body, "text/html; charset=utf-8", path == "/", hosts))
    if big_pages:
        sys.path.insert(0, str(BENCH))
        import crawl_bench as cb
        import bench_speed

        _out, port, site = bench_speed.ensure_site(big_pages, seed)
        host = f"{cb.SITE_IP}:{port}"
        files = sorted(p for p in site.root.rglob("*") if p.suffix.lower() in (".html", ".htm"))
        for p in files:
            rel = p.relative_to(site.root).as_posix()
            url = f"http://{host}/{rel}"
            pages.append((f"big {rel}", url, p.read_bytes(), None, rel == "index.html", frozenset({host})))
    for p in sorted((REPO / "tests").rglob("*")):
        if p.suffix.lower() in (".html", ".htm") and p.is_file():
            rel = p.relative_to(REPO / "tests").as_posix()
            url = f"http://www.example.gov.cn/{rel}"
            home = "home" in p.name or p.name.startswith("index")
            pages.append((f"fixture {rel}", url, p.read_bytes(), None, home, frozenset({"www.example.gov.cn"})))
    expected = SHARED / "expected.json"
    if expected.exists():
        for url, rec in sorted(json.loads(expected.read_text("utf-8")).items()):
            body = (SHARED / rec["file"]).read_bytes()
            host = url.split("://", 1)[-1].split("/", 1)[0]
            pages.append((f"htmldate {rec['file']}", url, body, None, False, frozenset({host})))
    return pages, as_of


def plain(obj: Any) -> Any:
    """Plain, comparable data of an analysis (class identity does not matter, values do)."""
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return {"_": type(obj).__name__, **{f: plain(getattr(obj, f)) for f in obj._fields}}
    if hasattr(obj, "__dataclass_fields__"):
        return {"_": type(obj).__name__, **{f: plain(getattr(obj, f)) for f in obj.__dataclass_fields__}}
    if isinstance(obj, (list, tuple)):
        return type(obj)(plain(x) for x in obj)
    if isinstance(obj, dict):
        return {k: plain(v) for k, v in obj.items()}
    if isinstance(obj, (set, frozenset)):
        return sorted(plain(x) for x in obj)
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    return obj


def child(pages_file: Path, out_file: Path, order: str) -> None:
    """Analyse every page in `order`, write {key: plain analysis} and the CPU seconds."""
    from govinspect.crawl.pageanalysis import analyse_page

    pages, as_of = pickle.loads(pages_file.read_bytes())
    idx = list(range(len(pages)))
    if order == "reverse":
        idx.reverse()
    elif order == "shuffle":
        random.Random(12345).shuffle(idx)
    results: dict[str, Any] = {}
    t0 = time.process_time()
    for i in idx:
        key, url, body, ctype, home, hosts = pages[i]
        results[key] = plain(analyse_page(body, ctype, url, as_of=as_of, is_home=home, site_hosts=hosts))
    cpu = time.process_time() - t0
    out_file.write_bytes(pickle.dumps({"cpu": cpu, "results": results, "module": analyse_page.__module__,
                                       "file": sys.modules[analyse_page.__module__].__file__}))


def run(src: Path, pages_file: Path, order: str, tmp: Path) -> dict[str, Any]:
    out = tmp / f"out-{abs(hash((str(src), order)))}.pickle"
    env = dict(os.environ, PYTHONPATH=str(src), PYTHONHASHSEED="0")
    subprocess.run([sys.executable, __file__, "--child", str(pages_file), str(out), order], env=env, check=True)
    return pickle.loads(out.read_bytes())


def diff(a: Any, b: Any, path: str = "") -> str | None:
    """Where two plain values first differ (a readable path), or None."""
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} {a!r:.200} != {type(b).__name__} {b!r:.200}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in a or k not in b:
                return f"{path}.{k}: only in {'after' if k in b else 'before'}"
            d = diff(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            return f"{path}: length {len(a)} != {len(b)}; {a!r:.300} / {b!r:.300}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = diff(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {a!r:.300} != {b!r:.300}"


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4])
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", type=Path, required=True, help="the reference checkout's src/ directory")
    ap.add_argument("--src", type=Path, default=REPO / "src", help="the code under test (default: this checkout)")
    ap.add_argument("--big-pages", type=int, default=3000, help="pages of the benchmark's big site (0: none)")
    ap.add_argument("--no-big", action="store_true")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--orders", default="forward,reverse,shuffle", help="page orders run with the code under test")
    ap.add_argument("--show", type=int, default=10, help="differences printed")
    args = ap.parse_args()
    pages, as_of = collect(0 if args.no_big else args.big_pages, args.seed)
    kinds: dict[str, int] = {}
    for key, *_ in pages:
        kinds[key.split(" ", 1)[0]] = kinds.get(key.split(" ", 1)[0], 0) + 1
    print(f"{len(pages)} pages: " + ", ".join(f"{k} {n}" for k, n in kinds.items()), flush=True)
    with tempfile.TemporaryDirectory() as tmpname:
        tmp = Path(tmpname)
        pages_file = tmp / "pages.pickle"
        pages_file.write_bytes(pickle.dumps((pages, as_of)))
        base = run(args.base.resolve(), pages_file, "forward", tmp)
        print(f"before ({base['file']}): {base['cpu']:.2f} s CPU", flush=True)
        bad = 0
        for order in args.orders.split(","):
            after = run(args.src.resolve(), pages_file, order, tmp)
            mism = [(k, d) for k in base["results"] if (d := diff(base["results"][k], after["results"].get(k)))]
            print(f"after, {order} ({after['file']}): {after['cpu']:.2f} s CPU; "
                  f"{len(base['results']) - len(mism)} of {len(base['results'])} pages identical", flush=True)
            for k, d in mism[: args.show]:
                print(f"  {k}: {d}")
            bad += len(mism)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
