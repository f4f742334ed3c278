"""A measure not yet available is reported as "not checked", never as a pass."""

from __future__ import annotations

from govinspect.models import Evidence, Finding, SiteResult, SiteSpec
from govinspect.profiles.loader import load_profile
from govinspect.report.results import site_to_json
from govinspect.scoring import score_site
from govinspect.scoring.site import measures_available, score_result

GOV2019 = load_profile("gov2019")


def _inspected(**fields) -> dict:
    return {"status": "inspected", "homepage": None, "columns": [], "availability": None, "footer": None, **fields}


def test_only_the_measures_taken_count_as_checked():
    site = _inspected(homepage={"latest": "2024-06-13", "items": 24, "items_in_2_weeks": 9},
                      columns=[{"name": "通知公告", "state": "ok"}, {"name": "政策解读", "state": "unknown"}])
    assert measures_available(site) == {"dead_links", "homepage", "columns"}
    score = score_site([], measures_available(site), GOV2019)
    assert score.verdict == "pass" and score.score == 100.0
    for indicator in ("veto.interaction.no_channel", "veto.service.guide_elements", "veto.site_unreachable",
                      "veto.security.serious_misstatement", "deduct.design.footer_marks", "deduct.publish.policy_docs_stale"):
        assert indicator in score.not_checked
    for indicator in ("deduct.design.links_other_dead", "veto.homepage_not_updated", "veto.columns_not_updated.blank"):
        assert indicator not in score.not_checked


def test_a_homepage_that_could_not_be_read_and_script_filled_columns_are_not_checked():
    site = _inspected(homepage={"latest": None, "items": 0, "items_in_2_weeks": 0},
                      columns=[{"name": "工作动态", "state": "unknown"}])
    assert measures_available(site) == {"dead_links"}


def test_availability_counts_only_with_enough_monitoring_data():
    short = _inspected(availability={"probes": 60, "failures": 0, "ratio": 0.0, "days_covered": 3, "enough_data": False})
    assert "availability" not in measures_available(short)
    full = _inspected(availability={"probes": 140, "failures": 0, "ratio": 0.0, "days_covered": 7, "enough_data": True})
    assert "availability" in measures_available(full)


def test_checks_declare_list_measures_and_objects_are_inferred():
    site = _inspected(measured=["letters", "guides"], letters=[], guides=[],
                      footer={"site_code": "9901000001", "icp": None}, https={"valid": True})
    assert {"letters", "guides", "footer", "https"} <= measures_available(site)
    assert "privacy" not in measures_available(_inspected(privacy=[]))


def test_a_site_that_could_not_be_inspected_is_not_scored():
    result = SiteResult(spec=SiteSpec(url="http://www.example.gov.cn/"), status="error", error="首页域名无法解析 (dns)")
    assert score_result(result, GOV2019) is None
    assert (result.verdict, result.score) == (None, None)


def test_not_checked_and_unpriced_indicators_reach_results_json():
    result = SiteResult(spec=SiteSpec(url="http://www.baiquan.gov.cn/", portal=False), pages=90)
    result.footer = {"site_code": None, "icp": "云ICP备05001234号", "conac": False}
    result.findings = [Finding(
        indicator="deduct.design.footer_marks", veto=False, points=0.0, measure={"missing": ["网站标识码", "党政机关网站标识"]},
        message="未在全站页面底部功能区清晰列明网站标识码、党政机关网站标识",
        evidence=[Evidence(url="http://www.baiquan.gov.cn/", detail="页面底部未见网站标识码")],
    )]
    score_result(result, GOV2019)
    site = site_to_json(result)
    assert (site["verdict"], site["score"]) == ("pass", 100.0)  # an unconfirmed value deducts nothing …
    assert site["scoring"]["unpriced"] == ["deduct.design.footer_marks"]  # … and says so
    assert site["findings"][0]["points"] == 0.0
    assert site["findings"][0]["message"] == "未在全站页面底部功能区清晰列明网站标识码、党政机关网站标识"
    assert "veto.interaction.no_channel" in site["not_checked"]
    assert "deduct.design.footer_marks" not in site["not_checked"]


def test_low_confidence_values_that_decide_points_are_listed_as_uncertain():
    finding = Finding(indicator="deduct.design.links_home_dead", veto=False, points=3.0, measure={"count": 3},
                      message="首页死链接3条，扣3分")
    score = score_site([finding], {"dead_links"}, GOV2019)
    assert score.uncertain == ["deduct.design.links_home_dead"]
