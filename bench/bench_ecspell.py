"""Text checks on ecspell's official-document sentences: false alarms, hits, precision, recall, speed.

    python bench/bench_ecspell.py [--data ../shared/benchmarks/ecspell/domains_data/odw.test]
        [--repeat 2000] [--out bench/RESULTS-textcheck.md]

The data is read where it lies (never copied; see its README): one sentence a line,
`<wrong characters>\\t<sentence as written>\\t<corrected sentence>`, both of the same length, so
the wrong characters are the positions where they differ. Lines with 0 are clean.

Reported, as a Markdown section on standard output (and into --out when given):

- the serious-misstatement check (`find_misstatements`): false alarms on the clean sentences
  (acceptance: at most 2) and on the corrected form of every erroneous sentence, and its hits
  on the erroneous sentences;
- the typo detector (`find_typos`): detection precision and recall at sentence level and at
  character level, and its false-alarm rate on the clean sentences;
- speed: `find_misstatements` on 5 KB and 10 KB (UTF-8) of the corrected sentences, in µs per
  KB, the number of patterns in its automaton and the time to build it; for comparison, the
  same patterns in pyahocorasick when it is installed (it is not a dependency).

Scoring (detection only; the checks name a correction but only flagging is scored):
- a hit is *right* when it covers at least one wrong character of the sentence;
- sentence level: a flagged sentence (≥ 1 hit) is a true positive when it has errors and all its
  hits are right; precision = TP / flagged sentences, recall = TP / sentences with errors.
  "strict" additionally needs every wrong character of the sentence inside some hit (SIGHAN's
  detection level, for spans);
- character level: the characters a hit flags are those where its found and expected forms
  differ (the whole hit when their lengths differ); precision = flagged wrong characters /
  flagged characters, recall = flagged wrong characters / all wrong characters.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from importlib.metadata import version
from pathlib import Path

from govinspect.analyze import misstatements as ms
from govinspect.analyze.misstatements import TextError, find_misstatements, load_critical_terms
from govinspect.analyze.typos import find_typos, load_typos

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_DATA = Path("../shared/benchmarks/ecspell/domains_data/odw.test")


@dataclass(frozen=True)
class Line:
    wrong: int
    text: str
    correct: str

    @property
    def positions(self) -> frozenset[int]:
        return frozenset(i for i, (a, b) in enumerate(zip(self.text, self.correct)) if a != b)


def read_lines(path: Path) -> list[Line]:
    out: list[Line] = []
    for raw in path.read_text("utf-8").splitlines():
        parts = raw.split("\t")
        if len(parts) != 3:
            continue
        n, text, correct = parts
        if len(text) != len(correct):
            raise ValueError(f"{path}: lengths differ: {raw!r}")
        out.append(Line(int(n), text, correct))
    return out


def flagged_chars(e: TextError) -> set[int]:
    if len(e.found) == len(e.expected):
        return {e.offset + i for i, (a, b) in enumerate(zip(e.found, e.expected)) if a != b}
    return set(range(e.offset, e.offset + len(e.found)))


@dataclass
class Score:
    name: str
    flagged: int = 0
    tp: int = 0
    tp_strict: int = 0
    with_errors: int = 0
    clean: int = 0
    clean_flagged: int = 0
    corrected_flagged: int = 0
    chars_flagged: int = 0
    chars_right: int = 0
    chars_gold: int = 0
    hits: int = 0
    hits_right: int = 0

    def p(self, a: int, b: int) -> str:
        return f"{a / b:.3f}" if b else "n/a"


def score(name: str, lines: Sequence[Line], check: Callable[[str], list[TextError]], examples: list[str]) -> Score:
    s = Score(name)
    for line in lines:
        gold = line.positions
        s.chars_gold += len(gold)
        errors = check(line.text)
        if line.wrong == 0:
            s.clean += 1
            if errors:
                s.clean_flagged += 1
                examples.extend(f"clean: {e.context} → {e.expected}" for e in errors)
        else:
            s.with_errors += 1
            if check(line.correct):
                s.corrected_flagged += 1
                examples.extend(f"corrected: {e.context} → {e.expected}" for e in check(line.correct))
        if not errors:
            continue
        s.flagged += 1
        right = [any(e.offset <= i < e.offset + len(e.found) for i in gold) for e in errors]
        s.hits += len(errors)
        s.hits_right += sum(right)
        if gold and all(right):
            s.tp += 1
            covered = {i for e in errors for i in range(e.offset, e.offset + len(e.found))}
            if gold <= covered:
                s.tp_strict += 1
        chars = set().union(*(flagged_chars(e) for e in errors))
        s.chars_flagged += len(chars)
        s.chars_right += len(chars & gold)
        if line.wrong:
            examples.extend(f"{'hit' if r else 'WRONG'}: {e.context} → {e.expected}" for e, r in zip(errors, right))
    return s


def time_per_call(fn: Callable[[], object], repeat: int) -> float:
    """Median seconds per call over `repeat` calls, in 5 batches."""
    batch = max(1, repeat // 5)
    samples = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(batch):
            fn()
        samples.append((time.perf_counter() - t0) / batch)
    return statistics.median(samples)


def speed(lines: Sequence[Line], repeat: int, label: str) -> list[str]:
    text = "".join(line.correct for line in lines)
    terms = load_critical_terms()
    pkg = resources.files("govinspect.data")
    ms._common_chars.cache_clear()  # time a process's first build, pinyin tables included
    ms._homophone_groups.cache_clear()
    t0 = time.perf_counter()
    fresh = ms._compile(
        ms._read_yaml(pkg.joinpath("critical_terms.yaml").read_text("utf-8")),
        ms._read_yaml(pkg.joinpath("confusion_chars.yaml").read_text("utf-8")),
    )
    build = time.perf_counter() - t0
    typos = load_typos()
    out = [
        f"- automaton: {len(fresh.patterns):,} patterns ({fresh.variant_count:,} wrong forms, the rest "
        f"correct terms, allowed strings and leaders' names); first build in a process {build * 1000:.0f} ms "
        "(pinyin tables included; cached afterwards)",
        "",
        "| text | characters | find_misstatements | µs per KB | find_typos |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for kb in (5, 10):
        chunk = text.encode("utf-8")[: kb * 1000].decode("utf-8", errors="ignore")
        find_misstatements(chunk)  # warm: jieba loads on the first short hit, if any
        t_ms = time_per_call(lambda c=chunk: terms.find(c), repeat)
        t_ty = time_per_call(lambda c=chunk: typos.find(c), repeat)
        out.append(
            f"| {kb} KB of corrected {label} sentences | {len(chunk):,} | {t_ms * 1e6:.0f} µs | "
            f"{t_ms * 1e6 / kb:.1f} | {t_ty * 1e6:.0f} µs |"
        )
    # "However long the dictionaries grow": the same 10 KB against the real patterns plus 60,000
    # made-up ones (4–8 common characters each), matching only.
    import random

    import ahocorasick_rs

    rnd = random.Random(20241)
    common = ms._common_chars()
    extra = {"".join(rnd.choice(common) for _ in range(rnd.randint(4, 8))) for _ in range(60_000)}
    big = ahocorasick_rs.AhoCorasick(list(fresh.patterns) + sorted(extra - set(fresh.patterns)))
    chunk10 = text.encode("utf-8")[:10_000].decode("utf-8", errors="ignore")
    t_small = time_per_call(lambda: fresh.automaton.find_matches_as_indexes(chunk10, overlapping=True), repeat)
    t_big = time_per_call(lambda: big.find_matches_as_indexes(chunk10, overlapping=True), repeat)
    out.append("")
    out.append(
        f"Growth: matching 10 KB takes {t_small * 1e6:.0f} µs with the {len(fresh.patterns):,} real patterns and "
        f"{t_big * 1e6:.0f} µs with {len(fresh.patterns) + len(extra):,} (60,000 made-up ones added)."
    )
    try:
        import ahocorasick  # type: ignore[import-not-found]
    except ImportError:
        out.append("")
        out.append("pyahocorasick not installed: no comparison.")
        return out
    auto = ahocorasick.Automaton()
    for i, p in enumerate(fresh.patterns):
        auto.add_word(p, i)
    auto.make_automaton()
    chunk = text.encode("utf-8")[:10_000].decode("utf-8", errors="ignore")
    t_py = time_per_call(lambda: list(auto.iter(chunk)), max(50, repeat // 10))
    t_rs = time_per_call(lambda: fresh.automaton.find_matches_as_indexes(chunk, overlapping=True), repeat)
    out.append("")
    out.append(
        f"Same {len(fresh.patterns):,} patterns, 10 KB, matching only: ahocorasick_rs {t_rs * 1e6:.0f} µs, "
        f"pyahocorasick {version('pyahocorasick')} "
        f"{t_py * 1e6:.0f} µs (it scans a node's children linearly, and the root has one child per "
        "distinct first character of the wrong forms)."
    )
    return out


def report(data: Path, repeat: int, shown: str) -> str:
    lines = read_lines(data)
    n_err = sum(1 for x in lines if x.wrong)
    n_clean = len(lines) - n_err
    n_chars = sum(len(x.positions) for x in lines)
    ex_ms: list[str] = []
    ex_ty: list[str] = []
    crit = score("critical", lines, find_misstatements, ex_ms)
    typo = score("typo", lines, find_typos, ex_ty)
    out = [
        f"## Text checks on ecspell `{data.name}` ({date.today().isoformat()})",
        "",
        "```",
        shown,
        "```",
        "",
        f"Data: `{data}`: {len(lines)} sentences, {n_err} with errors ({n_chars} wrong characters), "
        f"{n_clean} clean. Machine: {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}, shared 2-core box.",
        "",
        "### Serious-misstatement check (`find_misstatements`)",
        "",
        f"- false alarms on the {crit.clean} clean sentences: **{crit.clean_flagged}** "
        f"(acceptance: at most 2) — {'PASS' if crit.clean_flagged <= 2 else 'FAIL'}",
        f"- false alarms on the corrected form of the {crit.with_errors} erroneous sentences: "
        f"**{crit.corrected_flagged}**",
        f"- erroneous sentences with a hit: {crit.flagged - crit.clean_flagged} of {crit.with_errors}; "
        f"hits {crit.hits}, of which on a wrong character {crit.hits_right}",
        f"- sentence level: precision {crit.p(crit.tp, crit.flagged)}, recall {crit.p(crit.tp, crit.with_errors)} "
        f"(strict {crit.p(crit.tp_strict, crit.with_errors)}); character level: precision "
        f"{crit.p(crit.chars_right, crit.chars_flagged)}, recall {crit.p(crit.chars_right, crit.chars_gold)}",
        "",
        "The check looks for wrong forms of the critical terms only (leaders, formulations, provinces,"
        " central organs), so its recall on general typos is low by design.",
        "",
        "### Typo detector (`find_typos`, off by default)",
        "",
        "| level | precision | recall | flagged | right |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| sentence | {typo.p(typo.tp, typo.flagged)} | {typo.p(typo.tp, typo.with_errors)} "
        f"(strict {typo.p(typo.tp_strict, typo.with_errors)}) | {typo.flagged} | {typo.tp} |",
        f"| character | {typo.p(typo.chars_right, typo.chars_flagged)} | {typo.p(typo.chars_right, typo.chars_gold)} "
        f"| {typo.chars_flagged} | {typo.chars_right} |",
        "",
        f"- false-alarm rate on the {typo.clean} clean sentences: {typo.clean_flagged} "
        f"({typo.p(typo.clean_flagged, typo.clean)}); on the corrected erroneous sentences: {typo.corrected_flagged}",
        "",
        "### Speed",
        "",
        *speed(lines, repeat, data.stem),
        "",
        "### Every hit",
        "",
        *(f"- misstatement {x}" for x in ex_ms),
        *(f"- typo {x}" for x in ex_ty),
        "",
    ]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="ecspell test file (relative: to the repo root)")
    ap.add_argument("--repeat", type=int, default=2000, help="calls per timing")
    ap.add_argument("--out", type=Path, help="also write the section to this file")
    args = ap.parse_args(argv)
    data = args.data if args.data.is_absolute() else (ROOT / args.data).resolve()
    if not data.exists():
        print(f"no data at {data} (see /work/shared/benchmarks/ecspell/README.md)", file=sys.stderr)
        return 2
    shown = "python bench/bench_ecspell.py " + " ".join(sys.argv[1:] if argv is None else argv)
    text = report(data, args.repeat, shown.strip())
    print(text)
    if args.out:
        args.out.write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
