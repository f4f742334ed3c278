"""`govinspect rescore OUT_DIR`: score a finished run again, honouring the inspector's review.

Reads OUT_DIR/results.json, applies the decisions of the review sheet (dismissed findings
move to the site's `dismissed` list with their reason; unreviewed ones are flagged), scores
every site under the profile (the run's own, or another), and rewrites results.json, the
reports and the per-site files. Re-scoring the same directory with the same sheet gives the
same bytes: every finding, dismissed or not, is kept, so a decision can be changed later.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from govinspect.models import RunResult
from govinspect.profiles.loader import Profile, load_profile, profile_reference
from govinspect.scoring.review import (
    ReviewDecision,
    read_review,
    review_rows,
    write_review_csv,
    write_review_xlsx,
)
from govinspect.scoring.site import score_result

REVIEW_FILES = ("findings-review.xlsx", "findings-review.csv")


class RescoreError(ValueError):
    """An output directory, profile or review file that cannot be used (one-line reason)."""


@dataclass(slots=True)
class RescoreSummary:
    """What a re-score did, for the command's closing lines."""

    review_file: str | None
    profile: str
    counts: dict[str, int] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)
    verdicts: dict[str, int] = field(default_factory=dict)


def load_run(out_dir: Path) -> RunResult:
    """OUT_DIR/results.json as a RunResult; RescoreError when it is missing or unreadable."""
    from govinspect.report.results import run_from_json

    path = out_dir / "results.json"
    if not path.is_file():
        raise RescoreError(f"{out_dir}: no results.json (not a govinspect output directory)")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return run_from_json(data)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RescoreError(f"{path}: cannot be read as results.json ({type(exc).__name__}: {exc})"[:300]) from None


def default_review_file(out_dir: Path) -> Path | None:
    """The review sheet an inspector most recently saved in OUT_DIR (xlsx or csv), if any."""
    present = [out_dir / name for name in REVIEW_FILES if (out_dir / name).is_file()]
    if not present:
        return None
    # Both are written together at inspection time; the one edited since is the newer.
    return max(present, key=lambda p: (p.stat().st_mtime_ns, p.suffix == ".xlsx"))


def _profile_for(run: RunResult, profile: str | None) -> tuple[Profile, str]:
    from govinspect.profiles.loader import ProfileError

    ref = profile or run.profile_source or run.profile
    try:
        loaded = load_profile(ref)
    except ProfileError as exc:
        raise RescoreError(str(exc)) from None
    return loaded, profile_reference(ref, loaded)


def rescore_run(run: RunResult, profile: Profile, decisions: Mapping[str, ReviewDecision] | None, *,
                only_confirmed: bool = False) -> tuple[dict[str, int], list[str]]:
    """Score every inspected site of `run` in place; (decision counts, decision ids matching no finding)."""
    counts = {"confirmed": 0, "dismissed": 0, "unreviewed": 0}
    known: set[str] = set()
    for site in run.sites:
        score_result(site, profile, decisions=decisions, only_confirmed=only_confirmed)
        for f in site.findings + site.dismissed:
            known.add(f.id)
            counts[(f.review or {}).get("decision", "unreviewed")] += 1
    unmatched = sorted(set(decisions or {}) - known)
    return counts, unmatched


def rescore_dir(out_dir: Path, *, review: Path | None = None, profile: str | None = None,
                only_confirmed: bool = False) -> RescoreSummary:
    """Re-score OUT_DIR in place (see the module docstring); raises RescoreError or ReviewFileError."""
    from govinspect.runner import write_outputs

    run = load_run(out_dir)
    loaded, ref = _profile_for(run, profile)
    review_file = review if review is not None else default_review_file(out_dir)
    decisions = read_review(review_file) if review_file is not None else None
    counts, unmatched = rescore_run(run, loaded, decisions, only_confirmed=only_confirmed)
    run.profile, run.profile_source = loaded.id, ref
    run.review = {
        "file": review_file.name if review_file is not None else None,
        **counts,
        "unmatched": len(unmatched),
        "only_confirmed": only_confirmed,
    }
    write_outputs(run, out_dir, None)
    _rewrite_site_files(run, out_dir)
    verdicts: dict[str, int] = {}
    for site in run.sites:
        key = site.verdict or ("error" if site.status == "error" else "none")
        verdicts[key] = verdicts.get(key, 0) + 1
    return RescoreSummary(
        review_file=str(review_file) if review_file else None, profile=loaded.id, counts=counts,
        unmatched=unmatched, verdicts=verdicts,
    )


def _rewrite_site_files(run: RunResult, out_dir: Path) -> None:
    """Keep sites/<key>.json (what a resumed campaign reads) in step with results.json."""
    from govinspect.inspect import _write_site_partial, site_keys

    directory = out_dir / "sites"
    if not directory.is_dir():
        return
    for key, site in zip(site_keys([s.spec for s in run.sites]), run.sites):
        path = directory / f"{key}.json"
        if path.is_file():
            _write_site_partial(path, site)


def write_review_sheets(run: RunResult, profile: Profile, out_dir: Path) -> list[Path]:
    """findings-review.csv and .xlsx for a run (decisions already made are filled in)."""
    from govinspect.report.results import site_to_json

    names = {i: s["name"] for i, s in profile.indicators.items()}
    kinds = {i: s["kind"] for i, s in profile.indicators.items()}
    rows = review_rows([site_to_json(s) for s in run.sites], names, kinds)
    paths = [out_dir / "findings-review.csv", out_dir / "findings-review.xlsx"]
    write_review_csv(rows, paths[0])
    write_review_xlsx(rows, paths[1])
    return paths
