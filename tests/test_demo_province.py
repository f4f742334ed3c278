"""The simulated province end to end: dead-link precision and recall are 1.0 against its
ground truth, and not one WAF, rate-limited or slow link is reported dead."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from warcio.archiveiterator import ArchiveIterator

from govinspect.demo import (
    INTEGRITY_KEYS,
    freshness_against_truth,
    integrity_against_truth,
    score_against_truth,
)
from govinspect.sandbox.truth import truth

pytestmark = pytest.mark.slow

INTEGRITY_INDICATORS = {
    "veto.security.serious_misstatement", "veto.security.illegal_content", "veto.security.incident_unhandled",
    "veto.security.state_secret", "deduct.publish.privacy",
}


def test_dead_links_match_the_ground_truth_exactly(province_run):
    province, run = province_run.province, province_run.run
    expected = truth(province)
    score = score_against_truth(run, expected)
    assert score.expected > 40  # the province really seeds a good number of defects
    assert score.missed == []
    assert score.false == []
    assert score.blocked_reported_dead == []
    assert (score.precision, score.recall) == (1.0, 1.0)

    assert all(s.status == "inspected" for s in run.sites)
    # The hostile-but-alive links show up as blocked, never as dead.
    blocked_reasons = {b.reason for s in run.sites for b in s.blocked_links}
    assert {"waf_challenge", "rate_limited"} <= blocked_reasons
    # Each dead link carries evidence a person can open: its page, when it was checked.
    for s in run.sites:
        for d in s.dead_links:
            assert d.source.startswith("http://") and d.checked_at
            assert d.reason and d.kind in ("page", "attachment", "image", "external")
    # Every finding, of every check, says where to look, what was seen there and when.
    lacking = [(f.indicator, e.url) for s in run.sites for f in s.findings for e in f.evidence
               if not (e.url.startswith(("http://", "https://")) and e.detail and e.seen_at)]
    assert lacking == []
    assert all(f.evidence for s in run.sites for f in s.findings)
    # Every reason the truth seeds was recognised as such.
    truth_reasons = {(d["target"], d["reason"]) for s in expected["sites"] for d in s["dead_links"]}
    found_reasons = {(d.target, d.reason) for s in run.sites for d in s.dead_links}
    assert truth_reasons == found_reasons


def test_columns_and_homepages_match_the_ground_truth_exactly(province_run):
    """Every column of every site found, none extra; category, first-level, item count, latest
    date and state equal; homepage latest date and 2-week count equal; forged dates counted."""
    province, run = province_run.province, province_run.run
    expected = truth(province)
    compared, problems = freshness_against_truth(run, expected)
    assert problems == []
    assert compared == sum(len(s["columns"]) for s in expected["sites"]) > 150
    # The province holds every state and every veto, so the comparison means something.
    states = {c["state"] for s in expected["sites"] for c in s["columns"]}
    assert states == {"ok", "stale", "blank"}
    vetoes = {v for s in run.sites for v in s.vetoes}
    assert {"veto.homepage_not_updated", "veto.columns_not_updated.key", "veto.columns_not_updated.blank",
            "veto.security.fraud"} <= vetoes
    assert any(s["homepage"]["navigation_only"] for s in expected["sites"])
    # Each column veto names its columns with their newest item (or their emptiness).
    for site in run.sites:
        for f in site.findings:
            if f.indicator.startswith("veto.columns_not_updated"):
                assert len(f.evidence) == f.measure["count"]
                assert all(e.url.startswith("http://") and e.detail for e in f.evidence)


def test_integrity_matches_the_ground_truth_exactly(province_run):
    """Every seeded misstatement, hidden link, injected title, spam text, cloaked homepage,
    unmasked number (pages and DOCX/XLSX attachments) and secret mark is found, and nothing
    else: not one trap (namesakes, quoted corrections, hidden menus, 打击赌博, masked numbers,
    office phones, 保密工作, a homepage varying harmlessly by User-Agent)."""
    province, run = province_run.province, province_run.run
    expected = truth(province)
    score = integrity_against_truth(run, expected)
    assert score.missed == [] and score.false == [], "\n".join(score.missed + score.false)
    for area in INTEGRITY_KEYS:
        assert (score.precision(area), score.recall(area)) == (1.0, 1.0)
    # The province really seeds every kind, and most sites pass on integrity.
    kinds = {(area, e["kind"]) for s in expected["sites"] for area in ("text_errors", "illegal", "privacy")
             for e in s[area]}
    assert kinds >= {("text_errors", "leader_name"), ("text_errors", "formulation"), ("illegal", "hidden_link"),
                     ("illegal", "injected_title"), ("illegal", "spam_content"), ("illegal", "cloaking"),
                     ("privacy", "id_number"), ("privacy", "mobile"), ("privacy", "bank_card")}
    assert any(e["page"].endswith(".docx") for s in expected["sites"] for e in s["privacy"])
    assert sum(1 for s in expected["sites"] for e in s["secret_marks"]) == 1
    clean = [s for s in expected["sites"] if not any(s[a] for a in INTEGRITY_KEYS)]
    assert len(clean) > len(expected["sites"]) / 2
    # The findings veto the sites with problems, with evidence a person can open.
    by_url = {s.spec.url: s for s in run.sites}
    for s in expected["sites"]:
        vetoes = set(by_url[s.get("registered_url", s["url"])].vetoes)
        assert ("veto.security.serious_misstatement" in vetoes) == bool(s["text_errors"])
        assert ("veto.security.incident_unhandled" in vetoes) == any(e["kind"] == "cloaking" for e in s["illegal"])
        assert ("veto.security.state_secret" in vetoes) == bool(s["secret_marks"])
    for site in run.sites:
        for f in site.findings:
            if f.indicator in INTEGRITY_INDICATORS:
                assert f.evidence and all(e.url.startswith("http://") and e.detail and e.seen_at for e in f.evidence)


def test_demo_command_writes_results_report_and_evidence(tmp_path):
    out = tmp_path / "demo"
    proc = subprocess.run(
        [sys.executable, "-m", "govinspect", "demo", "--out", str(out), "--sites", "4"],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "精确率 1.000" in proc.stderr and "召回率 1.000" in proc.stderr
    assert "漏检 0 处，误报 0 处" in proc.stderr
    check = json.loads((out / "truth-check.json").read_text(encoding="utf-8"))
    assert check["integrity"]["text_errors"]["expected"] == 3  # site 1 of the four carries the misstatements
    assert check["integrity_missed"] == [] and check["integrity_false"] == []
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["tool"]["name"] == "govinspect"
    assert results["as_of"].startswith("2024-06-15")
    assert len(results["sites"]) == 4
    report = (out / "report.html").read_text(encoding="utf-8")
    site = results["sites"][0]
    for d in site["dead_links"][:3]:
        assert d["target"].replace("&", "&amp;") in report
    assert (out / "report.xlsx").stat().st_size > 0
    # The WARC evidence holds the response each dead link was judged on.
    warc = out / site["capture"]["warc"]
    with warc.open("rb") as fh:
        uris = {r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh)}
    assert site["dead_links"] and all(d["target"] in uris for d in site["dead_links"] if d["kind"] != "external" or d["reason"] != "dns")
