"""The campaign's arithmetic: counts, pass rates, failing reasons, problem types and 环比."""

from __future__ import annotations

from fractions import Fraction

from campaign_data import AS_OF, PREVIOUS_AS_OF, campaign_sites, previous_sites

from govinspect.campaign.aggregate import REPEAT_NOTE, compare, summarise
from govinspect.report.bulletin.text import load_template, problem_types

TYPES = problem_types(load_template())


def summary(sites=None, **kw):
    return summarise(campaign_sites() if sites is None else sites, TYPES, as_of=AS_OF, profile="gov2019", **kw)


def test_counts_per_region_keep_pass_fail_unscored_and_errors_apart():
    s = summary()
    rows = {g.name: (g.sampled, g.passed, g.failed, g.unscored, g.errors) for g in s.groups}
    assert rows == {"荆州市": (4, 3, 1, 0, 0), "监利县": (3, 1, 1, 1, 0), "市直部门": (3, 2, 0, 0, 1)}
    assert [g.name for g in s.groups] == ["荆州市", "监利县", "市直部门"]  # registry order, not alphabetical
    t = s.total
    assert (t.sampled, t.passed, t.failed, t.unscored, t.errors) == (10, 6, 2, 1, 1)


def test_pass_rate_is_passed_over_rated_and_only_when_every_site_is_scored():
    groups = {g.name: g for g in summary().groups}
    assert groups["荆州市"].pass_rate == Fraction(3, 4)
    # One 未评分 site: the rate is not computed rather than counted as a pass or a fail.
    assert groups["监利县"].pass_rate is None
    # A site that could not be inspected is left out of the rate, not failed.
    assert groups["市直部门"].pass_rate == 1
    assert summary().total.pass_rate is None


def test_total_rate_when_all_sites_are_scored():
    sites = [s for s in campaign_sites() if s["verdict"] is not None or s["status"] == "error"]
    assert summary(sites).total.pass_rate == Fraction(6, 8)


def test_unscored_is_never_counted_as_pass():
    s = summary([campaign_sites()[6]])
    assert (s.total.passed, s.total.unscored) == (0, 1)
    assert s.sites[0].result == "未评分"
    assert s.failing == []


def test_failing_sites_give_their_veto_sentences_or_their_deductions_and_score():
    failing = {f.name: f.reasons for f in summary().failing}
    assert failing["荆州经济技术开发区"] == ["首页栏目监测时间点前2周内无更新（最新信息日期：2024-04-11），单项否决"]
    assert failing["监利县人民政府"] == [
        "办事指南缺少办理时间、联系电话，扣4分", "非首页死链接37条，扣3.7分", "得分55.5分",
    ]


def test_every_site_has_its_problem_list_and_result():
    by_name = {s.name: s for s in summary().sites}
    assert by_name["沙市区人民政府"].problems == []
    assert by_name["荆州经济技术开发区"].problems[0].endswith("单项否决")  # vetoes first
    assert by_name["荆州市水利局"].result == "无法检查"
    assert "连接超时" in by_name["荆州市水利局"].problems[0]


def test_problem_types_count_sites_and_those_failed_for_them():
    rows = {r.type.id: (len(r.sites), len(r.veto_sites)) for r in summary().problem_types}
    assert rows == {"homepage": (1, 1), "blank": (1, 0), "service": (1, 0), "links": (4, 0)}


def test_grouping_by_organiser():
    s = summary(group_by="organiser")
    assert len(s.groups) == 10
    assert s.groups[0].name == "荆州区人民政府办公室"


def test_comparison_names_sites_failing_again_and_counts_fixed_ones():
    previous = summarise(previous_sites(), TYPES, as_of=PREVIOUS_AS_OF, profile="gov2019")
    now = compare(summary(), previous)
    again = {s.name for s in now.failing if s.repeat}
    assert again == {"荆州经济技术开发区", "监利县人民政府"}
    assert now.comparison.repeat_count == 2
    assert now.comparison.fixed_count == 1  # 沙市区 passed this time
    assert now.comparison.groups["荆州市"].pass_rate == Fraction(1, 3)
    assert next(s for s in now.failing if s.repeat).reasons[0] == REPEAT_NOTE


def test_sites_are_matched_across_campaigns_by_code_else_by_url():
    prev = campaign_sites()[2] | {"site_code": None, "url": "HTTP://site4210000014.gov.cn"}
    now = campaign_sites()[2] | {"site_code": None}
    current = summarise([now], TYPES, as_of=AS_OF, profile="gov2019")
    compare(current, summarise([prev], TYPES, as_of=PREVIOUS_AS_OF, profile="gov2019"))
    assert current.failing[0].repeat
