"""`govinspect inspect --checks links`: the dead-link sweep alone.

An inspector sweeping a large site for dead links (or re-checking a 工单 about them) wants the
same dead links as a full inspection, faster, and must never see the sweep read as 合格: no
verdict, every other indicator listed as not checked, and the reports say why.
"""

from __future__ import annotations

import dataclasses
import json

import pytest

from govinspect.demo import demo_options, province_specs, score_against_truth
from govinspect.inspect import inspect_sites
from govinspect.profiles.loader import load_profile
from govinspect.report.results import run_from_json
from govinspect.runner import write_outputs
from govinspect.sandbox.build import build_province
from govinspect.sandbox.server import start_server
from govinspect.sandbox.truth import truth
from govinspect.scoring.site import score_result

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def province():
    return build_province(seed=1, n_sites=12)


async def test_links_only_sweep_finds_every_dead_link_and_gives_no_verdict(province, tmp_path):
    server = await start_server(province)
    try:
        options = dataclasses.replace(demo_options(province, server.port, tmp_path), checks="links")
        run = await inspect_sites(province_specs(province), options)
    finally:
        await server.close()

    score = score_against_truth(run, truth(province))
    assert score.expected > 40
    assert (score.missed, score.false, score.blocked_reported_dead) == ([], [], [])

    assert all(s.status == "inspected" for s in run.sites)
    for site in run.sites:
        assert site.checks == "links"
        # A sweep is not an inspection: no 合格/不合格 and no score, whatever the dead links.
        assert site.verdict is None and site.score is None and site.vetoes == []
        assert {f.indicator for f in site.findings} <= {"deduct.design.links_home_dead",
                                                        "deduct.design.links_other_dead"}
        # Nothing but links was looked at: no content facts, no site-level checks.
        assert site.columns == [] and site.homepage is None and site.footer is None
        assert site.text_errors == [] and site.illegal == [] and site.privacy == []
        assert site.https is None and site.search is None
        assert "veto.security.serious_misstatement" in site.not_checked
    # The seeded sites do have content problems, which a full inspection reports as vetoes:
    # silence here must come from not looking, and the reports must say so.
    write_outputs(run, tmp_path, None)
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert {s["checks"] for s in results["sites"]} == {"links"}
    assert all(s["verdict"] is None for s in results["sites"])
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "仅检查了链接（死链扫描）" in html and "合格0家" not in html
    assert html.count("本次仅检查链接（死链扫描），不评定是否合格") == len(run.sites)

    # Re-scoring the stored sweep (govinspect rescore) keeps it unjudged.
    again = run_from_json(results)
    profile = load_profile("gov2019")
    for site in again.sites:
        score_result(site, profile)
        assert site.checks == "links" and site.verdict is None and site.score is None
