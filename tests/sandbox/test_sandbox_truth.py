"""The ground truth: every defect kind is present, and it says what the model planted."""

from __future__ import annotations

from typing import Any

from govinspect.sandbox import Province
from govinspect.sandbox.defects import (
    DEAD_KINDS,
    NOT_DEAD_KINDS,
    SITE_KINDS,
    TRAP_KINDS,
)
from govinspect.sandbox.urls import normalize_url


def _all(expected: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [e for s in expected["sites"] for e in s[key]]


def test_every_dead_kind_reason_scope_present(expected: dict[str, Any]) -> None:
    dead = _all(expected, "dead_links")
    assert {d["reason"] for d in dead} >= {"http_404", "dns", "soft_404", "redirect_loop"}
    assert {d["kind"] for d in dead} == {"page", "attachment", "image", "external"}
    assert {d["scope"] for d in dead} == {"home", "other"}
    labels = {d["defect"] for d in dead}
    assert labels >= set(DEAD_KINDS) - {"soft_404"}
    # soft 404 is a property of a site: its missing pages answer 200
    assert any(d["reason"] == "soft_404" and d["status"] == 200 for d in dead)
    assert {(d["kind"], d["scope"]) for d in dead} >= {("page", "home"), ("image", "home"), ("external", "home")}


def test_every_not_dead_and_blocked_kind_present(expected: dict[str, Any]) -> None:
    whys = {n["why"] for n in _all(expected, "not_dead")}
    assert whys >= {"waf_challenge", "rate_limited", "rate_limited_then_ok", "slow", "head_not_allowed", "redirect_ok"}
    blocked = _all(expected, "blocked")
    assert {(b["reason"], b["status"]) for b in blocked} >= {
        ("waf_challenge", 412), ("waf_challenge", 403), ("waf_challenge", 521), ("rate_limited", 429),
    }
    dead_targets = {d["target"] for d in _all(expected, "dead_links")}
    assert not dead_targets & {b["target"] for b in blocked}
    assert not dead_targets & {n["target"] for n in _all(expected, "not_dead")}
    assert set(NOT_DEAD_KINDS)  # the catalogue documents them


def test_traps_and_site_kinds_present(expected: dict[str, Any]) -> None:
    assert {t["kind"] for t in _all(expected, "traps")} == set(TRAP_KINDS)
    roles = {r for s in expected["sites"] for r in s["roles"]}
    assert roles >= set(SITE_KINDS) | {"soft_404", "head_not_allowed"}
    robots = [s for s in expected["sites"] if s["robots_disallow"]]
    assert robots and robots[0]["robots_disallow"] == ["/search/"]


def test_every_planted_defect_is_in_truth_and_nothing_else(province: Province, expected: dict[str, Any]) -> None:
    for site, st in zip(province.sites, expected["sites"], strict=True):
        # no accidental dead link: each one is a planted defect
        assert all(d["defect"] in DEAD_KINDS for d in st["dead_links"]), site.host
        dead = {d["target"] for d in st["dead_links"]}
        blocked = {b["target"] for b in st["blocked"]}
        not_dead = {n["target"] for n in st["not_dead"]}
        traps = {t["target"] for t in st["traps"]}
        for kind, url in site.plan.seeded:
            if kind in DEAD_KINDS:
                assert url in dead, (site.host, kind, url)
            elif kind in ("waf_412", "waf_403", "waf_521", "rate_limited"):
                assert url in blocked, (site.host, kind, url)
            elif kind in NOT_DEAD_KINDS:
                assert url in not_dead, (site.host, kind, url)
            elif kind == "endless_pagination":
                assert url in traps


def test_truth_urls_are_normalised_and_sources_are_real_pages(province: Province, expected: dict[str, Any]) -> None:
    for site, st in zip(province.sites, expected["sites"], strict=True):
        for key in ("dead_links", "not_dead", "blocked", "traps"):
            for e in st[key]:
                assert normalize_url(e["source"]) == e["source"] and normalize_url(e["target"]) == e["target"]
                out = province.classify(e["source"])
                assert out.page and out.trap is None, e["source"]
                assert not any(e["source"].startswith(site.url(p)) for p in st["robots_disallow"])
        for d in st["dead_links"]:
            assert (d["scope"] == "home") == (d["source"] == st["url"])
            is_own = d["target"].split("/")[2] in site.hostnames
            assert (d["kind"] == "external") == (not is_own)
        assert 40 <= st["pages"] <= len(site.iter_pages())


def test_hosts_cover_every_served_host(province: Province, expected: dict[str, Any]) -> None:
    hosts = expected["hosts"]
    for s in province.sites:
        assert hosts[s.host] == "site"
        for a in s.aliases:
            assert hosts[a] == "alias"
    assert hosts["www.gov.cn"] == "external" and hosts["www.waf-protected.gov.cn"] == "external"
    for dead in expected["unserved_hosts"]:
        assert dead not in hosts
