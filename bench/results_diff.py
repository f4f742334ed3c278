#!/usr/bin/env python3
"""Compare two results.json files, ignoring what legitimately differs between two runs.

A speed change must leave the findings identical. Two crawls of the same site differ only in
timestamps, timings, the order pages happened to arrive in (concurrent fetches), the loopback
port the sandbox was served on, and bookkeeping counters of the crawl machinery itself (how
many pages the crawler process analysed instead of the worker, how many requests were
retried because a busy machine timed out...). This script drops or normalises exactly those
and prints every other difference as a JSON path.

Some of a crawl's output depends on the order pages arrive in even for the same code: the
first few example pages of a missing footer field, the evidence page of a finding (and so the
finding's id), the page a search probe takes its title from, whether a URL was first seen as a
page link (GET) or an image (HEAD). `--noise RUN ...` takes more runs of the *before* code: a
difference whose path (list positions aside) also differs between those runs and BEFORE is
listed as run-to-run noise and does not fail the comparison.

Usage:
  python bench/results_diff.py BEFORE/results.json AFTER/results.json      # exit 1 if different
  python bench/results_diff.py BEFORE_DIR AFTER_DIR                        # every results.json and
                                                                           # sites/*.json under them
  python bench/results_diff.py BEFORE_DIR AFTER_DIR --noise BEFORE2_DIR BEFORE3_DIR
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

# Keys whose values are times of day, durations or run-specific paths.
VOLATILE_KEYS = frozenset({
    "checked_at", "fetched_at", "started_at", "finished_at", "generated_at", "seconds", "elapsed",
    "wall_seconds", "duration", "run_id", "created_at", "time", "timestamp", "at", "capture",
    "first_seen", "last_seen", "observed_at", "as_measured_at",
})
# Counters of the machinery, not of the site: how the work was split or paced.
VOLATILE_COUNTER_PREFIXES = ("worker/", "timing/", "external/shared")
_PORT = re.compile(r"(127\.\d+\.\d+\.\d+|localhost)(:|', )\d+")
_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?")


def normalise(value: Any, key: str = "") -> Any:
    """`value` with volatile keys dropped, ports and timestamps masked, lists sorted."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in VOLATILE_KEYS:
                continue
            if key == "counters" and k.startswith(VOLATILE_COUNTER_PREFIXES):
                continue
            out[_PORT.sub(r"\1\2PORT", k)] = normalise(v, k)
        return out
    if isinstance(value, list):
        items = [normalise(v, key) for v in value]
        # Concurrent fetches finish in any order: compare lists as multisets.
        return sorted(items, key=lambda x: json.dumps(x, sort_keys=True, ensure_ascii=False))
    if isinstance(value, str):
        return _STAMP.sub("TIME", _PORT.sub(r"\1\2PORT", value))
    if isinstance(value, float):
        return round(value, 6)
    return value


def diff(a: Any, b: Any, path: str = "$") -> list[str]:
    """Differences between two normalised values, one line each."""
    if type(a) is not type(b):
        return [f"{path}: {json.dumps(a, ensure_ascii=False)[:200]} != {json.dumps(b, ensure_ascii=False)[:200]}"]
    if isinstance(a, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k not in a:
                out.append(f"{path}.{k}: only in after")
            elif k not in b:
                out.append(f"{path}.{k}: only in before")
            else:
                out.extend(diff(a[k], b[k], f"{path}.{k}"))
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            sa = {json.dumps(x, sort_keys=True, ensure_ascii=False) for x in a}
            sb = {json.dumps(x, sort_keys=True, ensure_ascii=False) for x in b}
            extra = [f"  - {x[:300]}" for x in sorted(sa - sb)[:5]] + [f"  + {x[:300]}" for x in sorted(sb - sa)[:5]]
            return [f"{path}: {len(a)} items != {len(b)} items", *extra]
        out = []
        for i, (x, y) in enumerate(zip(a, b)):
            out.extend(diff(x, y, f"{path}[{i}]"))
        return out
    return [] if a == b else [f"{path}: {json.dumps(a, ensure_ascii=False)[:200]} != {json.dumps(b, ensure_ascii=False)[:200]}"]


def compare_files(before: Path, after: Path) -> list[str]:
    """Differences between two JSON files after normalisation."""
    a = normalise(json.loads(before.read_text(encoding="utf-8")))
    b = normalise(json.loads(after.read_text(encoding="utf-8")))
    return diff(a, b)


_INDEX = re.compile(r"\[\d+\]")


def verdict_key(results: dict[str, Any]) -> list[tuple[Any, ...]]:
    """What a 通报 rests on, per site: verdict, score, vetoes, findings (indicator, severity,
    deduction), dead and blocked links (target, reason, scope), pages crawled."""
    out = []
    for s in results.get("sites", []):
        out.append((
            s.get("site_code"), s.get("verdict"), s.get("score"), json.dumps(s.get("vetoes"), sort_keys=True),
            sorted((f.get("indicator"), f.get("severity", ""), f.get("deduction", f.get("points", "")))
                   for f in s.get("findings", [])),
            sorted(_PORT.sub(r"\1\2PORT", f"{d['target']}|{d['reason']}|{d.get('scope')}") for d in s.get("dead_links", [])),
            sorted(_PORT.sub(r"\1\2PORT", f"{b['target']}|{b['reason']}") for b in s.get("blocked_links", [])),
            (s.get("stats") or {}).get("pages"),
        ))
    return out


def _generic(line: str) -> str:
    """The JSON path of a difference line with list positions dropped."""
    return _INDEX.sub("[]", line.split(":", 1)[0])


def _pairs(before: Path, after: Path) -> list[tuple[Path, Path]]:
    if before.is_dir():
        names = sorted({p.relative_to(before) for p in before.rglob("*.json")
                        if p.name == "results.json" or p.parent.name == "sites"})
        return [(before / n, after / n) for n in names]
    return [(before, after)]


def main() -> int:
    """Compare the two paths given; print differences; exit 1 when there are any."""
    args = sys.argv[1:]
    noise_runs: list[Path] = []
    if "--noise" in args:
        i = args.index("--noise")
        noise_runs = [Path(a) for a in args[i + 1:]]
        args = args[:i]
    if len(args) != 2:
        print(__doc__)
        return 2
    before, after = Path(args[0]), Path(args[1])
    noise: set[tuple[str, str]] = set()  # (file, generic path) that differ between runs of BEFORE
    for run in noise_runs:
        for x, y in _pairs(before, run):
            if y.exists():
                noise.update((y.name, _generic(line)) for line in compare_files(x, y) if line.startswith("$"))
    bad = 0
    noisy_total = 0
    for x, y in _pairs(before, after):
        name = x.name if x == before else str(x.relative_to(before))
        if not y.exists():
            print(f"{y}: missing")
            bad += 1
            continue
        lines = compare_files(x, y)
        real = [ln for ln in lines if not ln.startswith("$") or (y.name, _generic(ln)) not in noise]
        # Detail lines ("  - …", "  + …") belong to the path line before them.
        kept: list[str] = []
        for ln in lines:
            if ln.startswith("$"):
                keep = ln in real
            if keep:
                kept.append(ln)
        noisy = sum(1 for ln in lines if ln.startswith("$")) - sum(1 for ln in kept if ln.startswith("$"))
        noisy_total += noisy
        if kept:
            bad += 1
            print(f"{x} vs {y}: {sum(1 for ln in kept if ln.startswith('$'))} difference(s)")
            for line in kept[:40]:
                print("  " + line)
        else:
            extra = f"; {noisy} difference(s) also seen between runs of the before code" if noisy else ""
            print(f"{name}: identical (timestamps, timings, order aside{extra})")
    if noise_runs:
        print(f"{noisy_total} difference(s) in all on paths that also differ between runs of the before code")
    top_b = before / "results.json" if before.is_dir() else before
    top_a = after / "results.json" if after.is_dir() else after
    if top_b.exists() and top_a.exists():
        same = verdict_key(json.loads(top_b.read_text(encoding="utf-8"))) == verdict_key(
            json.loads(top_a.read_text(encoding="utf-8")))
        print("verdicts, scores, vetoes, findings, dead and blocked links, pages: "
              + ("identical" if same else "DIFFERENT"))
        bad += 0 if same else 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
