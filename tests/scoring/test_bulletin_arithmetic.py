"""The scoring model reproduces the arithmetic of published 通报 and of indicators.md §1.2."""

from __future__ import annotations

from pathlib import Path

import pytest

from govinspect.checks.links import link_findings
from govinspect.models import DeadLink, Evidence, Finding
from govinspect.profiles.loader import load_profile
from govinspect.scoring import score_site

GOV2019 = load_profile("gov2019")
CENSUS2015 = load_profile("census2015")
ALL_MEASURES = {"dead_links", "homepage", "columns", "availability", "guides", "services", "letters"}


def _dead(n: int, scope: str = "other") -> list[DeadLink]:
    host = "http://www.weidong.gov.cn"
    return [
        DeadLink(source=f"{host}/zwgk/tzgg/index_{i // 20}.html", target=f"{host}/zwgk/tzgg/201708/t20170812_{i}.html",
                 status=404, reason="http_404", scope=scope, kind="page", checked_at="2018-09-20T10:00:00+08:00")
        for i in range(n)
    ]


def _finding(indicator: str, measure: dict, message: str = "", veto: bool = False) -> Finding:
    return Finding(indicator=indicator, veto=veto, points=0.0, measure=measure, message=message,
                   evidence=[Evidence(url="http://www.weidong.gov.cn/bsfw/", detail="办事指南页面")])


@pytest.mark.parametrize("profile", [GOV2019, CENSUS2015], ids=lambda p: p.id)
def test_37_dead_links_on_other_pages_cost_3_point_7(profile):
    findings = link_findings(_dead(37), profile)
    score = score_site(findings, ALL_MEASURES, profile)
    assert score.deductions == {"deduct.design.links_other_dead": 3.7}
    assert score.score == 96.3
    assert score.verdict == "pass"
    assert score.findings[0].message == "非首页死链接37条，扣3.7分"


def test_missing_two_guide_elements_costs_4_in_the_2015_profile():
    finding = _finding("deduct.service.guide_elements", {"missing": ["办理时间", "联系电话"]})
    score = score_site([finding], ALL_MEASURES, CENSUS2015)
    assert score.deductions == {"deduct.service.guide_elements": 4.0}
    assert score.findings[0].message == "办事指南缺少办理时间、联系电话，扣4分"
    assert score.score == 96.0


def test_four_and_a_half_percent_failed_probes_cost_20_in_the_2015_profile():
    finding = _finding("deduct.availability.home_unreachable", {"probes": 200, "failures": 9, "ratio": 0.045})
    score = score_site([finding], ALL_MEASURES, CENSUS2015)
    assert score.deductions == {"deduct.availability.home_unreachable": 20.0}
    assert score.findings[0].message == "网站状态异常比例4.5%，扣20分"
    # Only full percents count: 0.99 % costs nothing, 1 % costs 5, 2.9 % costs 10.
    for ratio, points in ((0.0099, 0.0), (0.01, 5.0), (0.029, 10.0), (0.29, 145.0)):
        f = _finding("deduct.availability.home_unreachable", {"ratio": ratio})
        assert score_site([f], ALL_MEASURES, CENSUS2015).findings[0].points == min(points, 100.0)


def test_the_henan_site_deductions_add_up_as_printed():
    # 卫东人口: 非首页死链接37条 3.7; 首页栏目更新总量少于10条 5; 政务咨询 5; 调查征集 5; 办事指南缺少办理时间、联系电话 4.
    findings = link_findings(_dead(37), CENSUS2015) + [
        _finding("deduct.update.home_volume", {"items_in_2_weeks": 6}),
        _finding("deduct.interact.consult", {"letters": 0}),
        _finding("deduct.interact.survey", {"count": 0}),
        _finding("deduct.service.guide_elements", {"missing": ["办理时间", "联系电话"]}),
    ]
    measures = ALL_MEASURES | {"column_updates", "surveys"}
    score = score_site(findings, measures, CENSUS2015)
    assert sum(score.deductions.values()) == pytest.approx(22.7)
    assert score.score == 77.3
    messages = [f.message for f in score.findings]
    assert "2周内首页栏目信息更新总量少于10条，扣5分" in messages


def test_a_veto_stops_scoring_and_every_veto_is_recorded(tmp_path: Path):
    findings = link_findings(_dead(500), GOV2019) + [
        _finding("veto.columns_not_updated.blank", {"count": 6, "threshold": 5}, "空白栏目6个，单项否决", veto=True),
        _finding("veto.homepage_not_updated", {"latest": "2024-05-02"}, veto=True),
    ]
    score = score_site(findings, ALL_MEASURES, GOV2019)
    assert score.verdict == "fail"
    assert score.score is None
    assert score.part2 is None
    assert score.vetoes == ["veto.columns_not_updated.blank", "veto.homepage_not_updated"]
    assert score.deductions == {}
    messages = {f.indicator: f.message for f in score.findings}
    assert messages["veto.columns_not_updated.blank"] == "空白栏目6个，单项否决"
    assert messages["veto.homepage_not_updated"] == "首页栏目监测时间点前2周内无更新（最新信息日期：2024-05-02），单项否决"
    # The dead links stay listed for the rectification list, priced as measured.
    assert messages["deduct.design.links_other_dead"] == "非首页死链接500条，扣50分"


def _provincial(tmp_path: Path, body: str, name: str = "henan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


CAPPED = """\
extends: gov2019
id: capped
name: 某省政府网站检查指标（含分项上限）
sections:
  design: {cap: 12, unconfirmed: false}
indicators:
  deduct.design.links_home_dead: {cap: 10, confidence: Medium}
  deduct.design.links_other_dead: {cap: 5, confidence: Medium}
"""


def test_caps_hold_per_indicator_then_per_section(tmp_path: Path):
    profile = load_profile(_provincial(tmp_path, CAPPED))
    findings = link_findings(_dead(30, "home"), profile) + link_findings(_dead(80), profile)
    score = score_site(findings, ALL_MEASURES, profile)
    # 30 home links → 30, capped at 10; 80 other → 8, capped at 5; the 功能设计 section at 12.
    assert score.deductions == {"deduct.design.links_home_dead": 10.0, "deduct.design.links_other_dead": 2.0}
    assert score.sections == {"design": 12.0}
    assert score.score == 88.0
    assert [f.message for f in score.findings] == ["首页死链接30条，扣10分", "非首页死链接80条，扣2分"]


def test_the_service_section_is_capped_at_25_in_gov2019(tmp_path: Path):
    profile = load_profile(_provincial(tmp_path, """\
extends: gov2019
id: priced
name: 某省（办事统计每项扣20分）
indicators:
  deduct.service.stats_stale: {points: 20}
  deduct.service.online_systems: {per_item: 3, unconfirmed: false}
"""))
    findings = [_finding("deduct.service.stats_stale", {}), _finding("deduct.service.online_systems", {"count": 4})]
    score = score_site(findings, ALL_MEASURES | {"column_updates", "online_systems"}, profile)
    assert score.sections == {"service": 25.0}
    assert score.score == 75.0


def test_a_site_without_services_is_scored_out_of_75_times_four_thirds():
    findings = link_findings(_dead(15, "home"), GOV2019) + [_finding("deduct.service.stats_stale", {})]
    with_services = score_site(findings, ALL_MEASURES | {"column_updates"}, GOV2019)
    assert with_services.score == 83.0  # 100 − 15 − 2
    without = score_site(findings, ALL_MEASURES | {"column_updates"}, GOV2019, has_services=False)
    assert without.score == 80.0  # (75 − 15) × 4/3: the service deduction does not apply
    assert without.part2 == 80.0
    assert "deduct.service.stats_stale" in without.not_applicable
    assert "deduct.service.stats_stale" not in without.deductions
    # Nor do the service vetoes.
    veto = _finding("veto.service.none", {}, "未提供办事服务，单项否决", veto=True)
    assert score_site([veto], ALL_MEASURES, GOV2019, has_services=False).verdict == "pass"
    assert score_site([veto], ALL_MEASURES, GOV2019).verdict == "fail"


def test_the_four_thirds_rule_is_a_2019_rule():
    findings = link_findings(_dead(15, "home"), CENSUS2015)
    assert score_site(findings, ALL_MEASURES, CENSUS2015, has_services=False).score == 85.0


BONUS = """\
extends: gov2019
id: bonus-test
name: 某省（门户网站加分）
indicators:
  bonus.innovation.smart_search:
    name: 智能搜索创新
    kind: bonus
    section: design
    measure: search
    rule: fixed
    points: 5
    message: 智能搜索应用创新，加{points}分
    source: provincial scheme (test)
    confidence: Medium
"""


@pytest.mark.parametrize(
    ("other_links", "verdict", "score", "bonus"),
    [
        (401, "fail", 59.9, 0.0),   # below the pass line
        (400, "pass", 60.0, 0.0),   # exactly 60 passes
        (200, "pass", 80.0, 0.0),   # exactly 80 does not open the bonus ("高于80分")
        (199, "pass", 85.1, 5.0),   # 80.1 does
    ],
)
def test_pass_line_and_bonus_gate_edges(tmp_path: Path, other_links, verdict, score, bonus):
    profile = load_profile(_provincial(tmp_path, BONUS, "bonus.yaml"))
    findings = link_findings(_dead(other_links), profile) + [_finding("bonus.innovation.smart_search", {})]
    result = score_site(findings, ALL_MEASURES | {"search"}, profile, portal=True)
    assert (result.verdict, result.score, result.bonus) == (verdict, score, bonus)
    # A department site (not a portal) never gets the bonus.
    assert score_site(findings, ALL_MEASURES | {"search"}, profile, portal=False).bonus == 0.0


def test_the_bonus_is_capped(tmp_path: Path):
    profile = load_profile(_provincial(tmp_path, BONUS.replace("points: 5", "points: 50"), "bonus.yaml"))
    result = score_site([_finding("bonus.innovation.smart_search", {})], ALL_MEASURES, profile, portal=True)
    assert (result.part2, result.bonus, result.score) == (100.0, 30.0, 130.0)


def test_a_provincial_pass_line_of_80(tmp_path: Path):
    profile = load_profile(_provincial(tmp_path, "extends: gov2019\nid: hubei\nname: 湖北\nscoring: {pass_line: 80}\n"))
    findings = link_findings(_dead(201), profile)  # 79.9
    assert score_site(findings, ALL_MEASURES, profile).verdict == "fail"
    assert score_site(link_findings(_dead(200), profile), ALL_MEASURES, profile).verdict == "pass"
