"""The simulated province end to end: letters, guides, footers and page metadata equal the
ground truth exactly, and each interaction/service veto is reached where the truth says."""

from __future__ import annotations

import pytest

from govinspect.demo import pages_against_truth
from govinspect.sandbox.truth import truth

pytestmark = pytest.mark.slow


def test_letters_guides_footer_and_metadata_match_the_ground_truth_exactly(province_run):
    province, run = province_run.province, province_run.run
    expected = truth(province)
    compared, problems = pages_against_truth(run, expected)
    assert problems == []
    assert compared == sum(len(s["page_parts"]["letters"]) + len(s["page_parts"]["guides"]) for s in expected["sites"]) > 80
    vetoes = {v for s in run.sites for v in s.vetoes}
    assert {"veto.interaction.unanswered_3m", "veto.interaction.no_channel", "veto.service.guide_elements"} <= vetoes
    by_indicator = {f.indicator: f for s in run.sites for f in s.findings}
    assert by_indicator["deduct.service.guide_quality"].message.startswith("办事指南缺少")
    assert "deduct.interact.reply_publish_stale" in by_indicator and "deduct.design.site_code" in by_indicator
    late = by_indicator["veto.interaction.unanswered_3m"]
    assert late.evidence and all(e.url.startswith("http://") and "来信" in e.detail for e in late.evidence)
    # A withdrawn letter is listed but never counted.
    withdrawn = [r for s in run.sites for r in s.letters if r["status"] == "invalid"]
    assert withdrawn and not any(r["unanswered_over_3_months"] for r in withdrawn)
