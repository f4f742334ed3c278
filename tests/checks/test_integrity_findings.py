"""From the pages of the simulated province to the security vetoes and the privacy deduction:
per-page facts (analyze/integrity.py) merged per site (analyze/siteintegrity.py) and scored
by the profile (checks/integrity.py). The pages are real renders of the TRS, Hanweb, ASP and
generic families, with the province's seeded problems and traps."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from govinspect.analyze.integrity import IntegrityHit, PageIntegrity, page_integrity
from govinspect.analyze.siteintegrity import MAX_ENTRIES, MAX_PAGES_KEPT, SiteIntegrity
from govinspect.checks.integrity import integrity_findings
from govinspect.profiles.loader import Profile, load_profile
from govinspect.sandbox import build_province
from govinspect.sandbox.model import SimSite

SEEN = "2024-06-15T09:30:00+08:00"


@pytest.fixture(scope="module")
def province():
    return build_province(seed=1, n_sites=12)


def inspect_pages(site: SimSite) -> SiteIntegrity:
    """Every page of the site through the per-page analysis and the site merge."""
    merged = SiteIntegrity()
    for path in site.iter_pages():
        if path.startswith("/search/"):
            continue
        url = site.url(path)
        facts = page_integrity(site.render(path) or "", url, as_of=site.province.as_of, is_home=path == "/",
                               site_hosts=frozenset(site.hostnames))
        merged.add(url, facts, is_home=path == "/", fetched_at=SEEN)
    return merged


def measures(merged: SiteIntegrity) -> dict[str, list[dict[str, Any]]]:
    return {"text_errors": merged.entries("text_errors"), "illegal": merged.entries("illegal"),
            "privacy": merged.entries("privacy"), "secret_marks": merged.entries("secret")}


def with_settings(profile: Profile, indicator: str, **changes: Any) -> Profile:
    indicators = dict(profile.indicators)
    indicators[indicator] = {**indicators[indicator], **changes}
    return dataclasses.replace(profile, indicators=indicators)


def by_indicator(findings: list) -> dict[str, Any]:
    return {f.indicator: f for f in findings}


def test_misstatements_are_one_veto_quoting_the_wrong_and_the_right_form(province):
    found = by_indicator(integrity_findings(measures(inspect_pages(province.sites[1])), load_profile("gov2019")))
    assert set(found) == {"veto.security.serious_misstatement"}
    veto = found["veto.security.serious_misstatement"]
    assert veto.veto and veto.points == 0
    assert veto.measure["count"] == 3 and veto.measure["by_kind"] == {"leader_name": 2, "formulation": 1}
    assert veto.message.startswith("存在严重表述错误3处（如“") and veto.message.endswith("），单项否决")
    details = "\n".join(e.detail for e in veto.evidence)
    assert "“习近苹总书记”应为“习近平总书记”" in details and "“丁薛祥总理”应为“丁薛祥副总理”" in details
    assert all("原文：" in e.detail and "【" in e.detail for e in veto.evidence)
    assert all(e.url.startswith("http://sthjj.") and e.seen_at == SEEN for e in veto.evidence)


def test_a_hacked_homepage_is_an_illegal_content_veto_with_every_hidden_link(province):
    site = province.sites[8]
    found = by_indicator(integrity_findings(measures(inspect_pages(site)), load_profile("gov2019")))
    assert set(found) == {"veto.security.illegal_content"}
    veto = found["veto.security.illegal_content"]
    assert veto.measure["by_kind"] == {"hidden_link": 7, "injected_title": 2, "spam_content": 1}
    assert "隐藏链接（暗链）" in veto.message and "标题或关键词被植入违法违规内容" in veto.message
    hidden = [e for e in veto.evidence if e.detail.startswith("隐藏链接（暗链）")]
    assert len(hidden) == 7 and all(e.url == site.home_url for e in hidden)
    assert any("document.write" in e.detail for e in hidden)


def test_privacy_deduction_is_one_point_per_number_capped_at_five(province):
    merged = inspect_pages(province.sites[7])
    profile = load_profile("gov2019")
    found = by_indicator(integrity_findings(measures(merged), profile))
    assert set(found) == {"deduct.publish.privacy", "veto.security.state_secret"}
    privacy = found["deduct.publish.privacy"]
    assert not privacy.veto and privacy.points == 5.0  # six numbers in the page table, cap 5
    assert privacy.measure == {"count": 6, "by_kind": {"id_number": 2, "mobile": 2, "bank_card": 2}, "pages": 6}
    assert privacy.message.endswith("扣5分") and "身份证号码" in privacy.message
    # The evidence never carries a full number.
    for e in privacy.evidence:
        assert "未去标识化的" in e.detail and "*" in e.detail
        assert not any(len(run) >= 11 for run in "".join(c if c.isdigit() else " " for c in e.detail).split())
    uncapped = with_settings(profile, "deduct.publish.privacy", cap=None, per_item=0.5)
    assert by_indicator(integrity_findings(measures(merged), uncapped))["deduct.publish.privacy"].points == 3.0
    secret = found["veto.security.state_secret"]
    assert secret.message == "发布的信息中存在涉密标识1处（如“秘密★1年”），疑似泄露国家秘密，单项否决"


def test_threshold_and_kinds_come_from_the_profile(province):
    merged = measures(inspect_pages(province.sites[1]))
    profile = load_profile("gov2019")
    assert integrity_findings(merged, with_settings(profile, "veto.security.serious_misstatement", threshold=4)) == []
    only_formulations = with_settings(profile, "veto.security.serious_misstatement", count_kinds=["formulation"])
    veto = by_indicator(integrity_findings(merged, only_formulations))["veto.security.serious_misstatement"]
    assert veto.measure["count"] == 1 and "中华人民共合国" in veto.message
    # A profile that does not score an indicator gets no finding for it.
    unscored = dataclasses.replace(profile, indicators={k: v for k, v in profile.indicators.items()
                                                        if not k.startswith("veto.security")})
    assert integrity_findings(merged, unscored) == []


def test_the_traps_of_the_province_give_no_finding(province):
    profile = load_profile("gov2019")
    for index in (0, 2, 3, 4, 5, 6, 9, 10, 11):
        found = integrity_findings(measures(inspect_pages(province.sites[index])), profile)
        if index == 5:  # hidden links in three articles: the one legitimate finding there
            assert [f.indicator for f in found] == ["veto.security.illegal_content"]
            assert found[0].measure["by_kind"] == {"hidden_link": 7}
        else:
            assert found == [], (index, [f.message for f in found])


def test_one_problem_on_many_pages_is_one_entry_with_its_page_count():
    merged = SiteIntegrity()
    hit = IntegrityHit("text_errors", "formulation", "中华人民共合国", "中华人民共和国", "……【中华人民共合国】……")
    urls = [f"http://www.qingshan.gov.cn/xxgk/tzgg/202406/t202406{k:02d}_{k}.html" for k in range(1, 31)]
    for url in urls:
        merged.add(url, PageIntegrity((hit,)), is_home=False, fetched_at=SEEN)
    merged.add(urls[0], PageIntegrity((hit,)), is_home=False, fetched_at=SEEN)  # a page seen twice counts once
    (entry,) = merged.entries("text_errors")
    assert entry["page"] == urls[0] and entry["page_count"] == 30
    assert entry["pages"] == urls[:MAX_PAGES_KEPT]
    veto = integrity_findings({"text_errors": [entry]}, load_profile("gov2019"))[0]
    assert veto.measure == {"count": 1, "by_kind": {"formulation": 1}, "pages": 30}
    assert veto.evidence[0].detail.endswith("（共30个页面）")


def test_spam_links_merge_by_target_and_a_site_keeps_at_most_max_entries_per_area():
    merged = SiteIntegrity()
    home = "http://www.qingshan.gov.cn/"
    hits = tuple(
        IntegrityHit("illegal", "hidden_link", f"http://www.bjl{k:04d}.com/", "", "隐藏链接（display:none）",
                     f"http://www.bjl{k:04d}.com/")
        for k in range(MAX_ENTRIES + 40)
    )
    merged.add(home, PageIntegrity(hits, fingerprint={"version": 1, "url": home}), is_home=True, fetched_at=SEEN)
    merged.add(home + "index.html", PageIntegrity(hits[:3]), is_home=False, fetched_at="2024-06-15T09:31:00+08:00")
    rows = merged.entries("illegal")
    assert len(rows) == MAX_ENTRIES and merged.dropped == 40
    assert rows[0]["pages"] == [home, home + "index.html"] and rows[0]["seen_at"] == SEEN
    assert rows[0]["target"] == "http://www.bjl0000.com/" and rows[0]["source"] == "page"
    assert merged.home_fingerprint == {"version": 1, "url": home} and merged.home_seen_at == SEEN
    assert merged.entries("privacy") == []


def test_an_analyser_error_is_kept_as_a_note_and_loses_nothing_else():
    merged = SiteIntegrity()
    hit = IntegrityHit("secret", "classified", "机密★5年", "机密", "机密★5年 关于……的通知")
    merged.add("http://www.qingshan.gov.cn/a.html", PageIntegrity((hit,), errors=("privacy: ValueError: boom",)),
               is_home=False, fetched_at=SEEN)
    assert merged.errors == ["http://www.qingshan.gov.cn/a.html: privacy: ValueError: boom"]
    assert [r["mark"] for r in merged.entries("secret")] == ["机密★5年"]
