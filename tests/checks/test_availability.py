"""站点无法访问 veto and the 2015 per-percent deduction from a week of probes."""

from __future__ import annotations

from govinspect.checks.availability import availability_findings
from govinspect.monitor.window import summarise
from govinspect.profiles.loader import load_profile

T = 1718380800.0
DAY = 86400.0
HOME = "http://www.jyx.gov.cn/"


def availability(per_day: int | list[int], failures: int, days: int = 7, blocked: int = 0) -> dict:
    """A week of judged probes (`per_day` a day, or one count per day) with `failures` spread over it."""
    counts = per_day if isinstance(per_day, list) else [per_day] * days
    total = sum(counts)
    fail_at = {round(i * total / failures) for i in range(failures)} if failures else set()
    rows = []
    n = 0
    for d, count in enumerate(counts):
        start = T - (len(counts) - d) * DAY
        for k in range(count):
            failed = n in fail_at
            rows.append((start + (k + 0.5) * DAY / count, "refused" if failed else "ok", None if failed else 200,
                         0.01, "Connection refused" if failed else None))
            n += 1
        rows += [(start + b, "blocked", 412, 0.02, "HTTP 412 anti-bot challenge") for b in range(blocked)]
    out = summarise(rows, as_of=T)
    out["probed_url"] = HOME
    return out


def test_five_percent_failed_is_the_veto_with_evidence() -> None:
    av = availability(20, 7)  # 7 / 140 = 5 %
    findings, notes = availability_findings(av, load_profile("gov2019"), home_url=HOME)
    assert notes == []
    (veto,) = findings
    assert veto.indicator == "veto.site_unreachable" and veto.veto and veto.points == 0
    assert veto.message == "监测时间点前1周内共访问网站首页140次，无法访问7次，异常比例5%，站点无法访问，单项否决"
    assert veto.measure["probes"] == 140 and veto.measure["failures"] == 7
    summary, *probes = veto.evidence
    assert summary.url == HOME and "共访问首页140次，失败7次（连接被拒绝7次）" in summary.detail
    assert len(probes) == 7 and all(e.detail.endswith("连接被拒绝") and e.seen_at for e in probes)


def test_just_under_five_percent_is_no_veto_in_2019() -> None:
    av = availability(24, 8)  # 8 / 168 = 4.76 %
    assert availability_findings(av, load_profile("gov2019"), home_url=HOME) == ([], [])


def test_2015_deducts_five_points_per_full_percent() -> None:
    # The henan bulletin's case: 网站状态异常比例4.5%，扣20分 (9 failures in 200 probes).
    av = availability([29, 29, 29, 29, 28, 28, 28], 9)
    assert (av["probes"], av["failures"], av["ratio"]) == (200, 9, 0.045)
    findings, notes = availability_findings(av, load_profile("census2015"), home_url=HOME)
    assert notes == []
    (deduct,) = findings
    assert deduct.indicator == "deduct.availability.home_unreachable" and not deduct.veto
    assert (deduct.points, deduct.message) == (20.0, "网站状态异常比例4.5%，扣20分")
    assert deduct.measure["full_percent"] == 4
    (deduct,) = availability_findings(availability(20, 2), load_profile("census2015"), home_url=HOME)[0]
    assert (deduct.points, deduct.message) == (5.0, "网站状态异常比例1.4%，扣5分")  # 2 / 140
    # Below 1 %: nothing.
    assert availability_findings(availability(20, 1), load_profile("census2015"), home_url=HOME) == ([], [])


def test_2015_vetoes_at_five_percent_without_also_deducting() -> None:
    findings, _ = availability_findings(availability(20, 10), load_profile("census2015"), home_url=HOME)
    assert [f.indicator for f in findings] == ["veto.site_unreachable"]


def test_the_2019_profile_does_not_score_the_2015_deduction() -> None:
    assert availability_findings(availability(20, 3), load_profile("gov2019"), home_url=HOME) == ([], [])


def test_insufficient_coverage_gives_a_note_and_no_finding_however_bad() -> None:
    for av in (availability(20, 60, days=6), availability(19, 60)):
        findings, notes = availability_findings(av, load_profile("gov2019"), home_url=HOME)
        assert findings == []
        assert notes == ["可用性监测数据不足（需连续7天、每天不少于20次）"]


def test_blocked_probes_do_not_dilute_or_inflate_the_ratio() -> None:
    # 20 judged a day plus 10 WAF challenges a day: the ratio is over the 140 judged probes.
    av = availability(20, 7, blocked=10)
    assert av["blocked"] == 70 and av["probes"] == 140
    findings, _ = availability_findings(av, load_profile("gov2019"), home_url=HOME)
    assert findings[0].indicator == "veto.site_unreachable"
    assert "另有70次被防火墙拦截，未计入" in findings[0].evidence[0].detail


def test_no_availability_no_finding() -> None:
    assert availability_findings(None, load_profile("gov2019"), home_url=HOME) == ([], [])


def test_scoring_prices_the_deduction_from_the_exact_share_not_a_rounded_ratio() -> None:
    # 8 failures in 267 probes (38–39 a day) is 2.996 %: two full percent, 10 points in 2015.
    # The stored ratio (0.03 to four places) must not make it three (15 points).
    from govinspect.scoring.score import score_site

    av = availability([39, 38, 38, 38, 38, 38, 38], 8)
    assert (av["probes"], av["failures"], av["ratio"]) == (267, 8, 0.03)
    profile = load_profile("census2015")
    (found,), _ = availability_findings(av, profile, home_url=HOME)
    assert found.points == 10.0
    (scored,) = score_site([found], {"availability"}, profile).findings
    assert (scored.points, scored.message) == (10.0, "网站状态异常比例2.9%，扣10分")
