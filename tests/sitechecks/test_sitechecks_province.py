"""The simulated province end to end: domain, HTTPS, IPv6, search and annual-report facts
equal the ground truth exactly, and each breach becomes a 通报-style finding with evidence."""

from __future__ import annotations

import socket

import pytest

from govinspect.demo import demo_options, province_specs, sitechecks_against_truth
from govinspect.inspect import inspect_sites
from govinspect.sandbox.build import build_province
from govinspect.sandbox.server import start_server
from govinspect.sandbox.truth import truth

pytestmark = pytest.mark.slow


def _has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _has_ipv6_loopback(), reason="this machine has no ::1 (IPv6 loopback)")
def test_site_level_facts_match_the_ground_truth_exactly(province_run):
    province, run = province_run.province, province_run.run
    expected = truth(province)
    compared, problems = sitechecks_against_truth(run, expected)
    assert problems == []
    assert compared == 12 * 10
    # The province holds every case, good and bad, so the comparison means something.
    cases = {(k, v["status"]) for s in expected["sites"] for k, v in s["sitechecks"].items() if "status" in v}
    assert {("https", "valid"), ("https", "invalid"), ("https", "none"), ("ipv6", "supported"), ("ipv6", "no_aaaa"),
            ("search", "works"), ("search", "broken"), ("search", "fails"), ("search", "none"),
            ("annual_report", "present"), ("annual_report", "missing"), ("annual_report", "wrong_year")} <= cases
    by_host = {s.spec.url: s for s in run.sites}
    messages = {f.indicator: f for s in run.sites for f in s.findings}
    assert messages["deduct.design.https"].evidence[0].url.startswith("https://")
    expired = by_host["http://sthjj.yunxi.gov.cn/"]
    assert expired.https["certificate"]["days_left"] < 0
    assert any(f.message.startswith("网站HTTPS证书已过期（有效期至") for f in expired.findings)
    moved = by_host["http://www.baiquanswj.gov.cn/"]
    assert moved.domain["final_host"] == "swj.baiquan.gov.cn"
    assert any("实际访问跳转至http://swj.baiquan.gov.cn/" in f.message for f in moved.findings)
    fails = by_host["http://mzj.jiaan.gov.cn/"]
    search = next(f for f in fails.findings if f.indicator == "deduct.design.search")
    assert search.message.startswith("站内搜索无法检索到网站已发布的信息") and len(search.evidence) >= 2
    # A GBK TRS site's search is asked in GBK, as its form submits, and finds the page.
    trs = by_host["http://www.yunxi.gov.cn/"]
    assert trs.search["status"] == "works" and "%" in trs.search["queries"][0]["url"]
    assert trs.ipv6["addresses"] == ["::1"] and trs.ipv6["http_status"] == 200
    # Only breaches are findings: the clean portal has none of these.
    assert not [f for f in trs.findings if f.indicator.split(".")[-1] in
                ("domain_name", "https_certificate", "ipv6", "search", "annual_report", "homepage_moved")]
    for s in run.sites:
        for f in s.findings:
            if f.indicator.startswith("deduct.design.") and "links" not in f.indicator:
                assert f.points == 0 and not f.veto and f.evidence and f.evidence[0].url


async def test_without_the_https_and_ipv6_mappings_nothing_is_judged(tmp_path):
    """Offline with no --resolve for port 443 or IPv6: not checked, never a failure."""
    province = build_province(seed=1, n_sites=2)
    server = await start_server(province)
    try:
        run = await inspect_sites(province_specs(province), demo_options(province, server.port, None))
    finally:
        await server.close()
    for s in run.sites:
        assert s.https["status"] == "not_checked"
        assert not [f for f in s.findings if f.indicator == "deduct.design.https"]
