"""Site-level scenarios of the province: HTTPS, IPv6, site search, annual report, domain.

Per site index (mod 12), like the defect roles, so a 12-site province holds every case, good
and bad. The domain cases rename a site's host before anything is derived from it: a
department on a `.com` domain, a department on its own `.gov.cn` domain outside its portal's,
a portal outside the `www.X.gov.cn` pattern, and a department whose registered address is an
old domain that now forwards to its real host. The server, the pages and the truth all read
these fields, so they cannot drift apart.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from govinspect.sandbox.model import Link, SimSite


class Scenario(NamedTuple):
    """The site-level behaviour of one site."""

    https: str  # valid | expired | wrong_host | self_signed | none
    ipv6: bool
    search: str  # works | error_500 | empty_index | none
    annual_report: str  # current | current_title | current_short | old_year | missing
    domain: str  # ok | wrong_suffix | outside_portal | portal_pattern | moved


TABLE: list[Scenario] = [
    Scenario("valid", True, "works", "current", "ok"),
    Scenario("expired", False, "works", "missing", "ok"),
    Scenario("none", True, "works", "old_year", "ok"),
    Scenario("wrong_host", False, "error_500", "current_title", "ok"),
    Scenario("self_signed", False, "works", "current", "ok"),
    Scenario("none", False, "none", "missing", "ok"),  # an ASP site: no search form at all
    Scenario("valid", True, "empty_index", "current", "ok"),
    Scenario("valid", False, "works", "current", "outside_portal"),
    Scenario("none", True, "works", "missing", "ok"),
    Scenario("valid", False, "works", "current", "wrong_suffix"),
    Scenario("none", False, "none", "missing", "moved"),  # an ASP site
    Scenario("valid", True, "works", "current_short", "portal_pattern"),
]
TEMPLATES_WITHOUT_SEARCH = frozenset({"asp"})


def scenario(index: int) -> Scenario:
    """The scenario of the site at `index`."""
    return TABLE[index % len(TABLE)]


def apply_scenario(site: SimSite, area_pinyin: str, dept_prefix: str | None) -> None:
    """Set the site's scenario fields (live mode only; the static export keeps plain sites)."""
    sc = scenario(site.index)
    site.https, site.ipv6, site.annual_report = sc.https, sc.ipv6, sc.annual_report
    site.search = "none" if site.template in TEMPLATES_WITHOUT_SEARCH else sc.search
    if sc.domain == "wrong_suffix" and dept_prefix:
        site.host = f"www.{area_pinyin}{dept_prefix}.com"
    elif sc.domain == "outside_portal" and dept_prefix:
        site.host = f"www.{area_pinyin}{dept_prefix}.gov.cn"
    elif sc.domain == "portal_pattern" and site.portal:
        # Like the county portals of some provinces: a subdomain of the province's domain.
        site.host = f"{area_pinyin}.moni.gov.cn"
        site.aliases = ()
    elif sc.domain == "moved" and dept_prefix:
        site.old_hosts = (f"www.{area_pinyin}{dept_prefix}.gov.cn",)


def expected_domain(site: SimSite) -> str:
    """The domain case the site really has (what `apply_scenario` did, or ok)."""
    if site.old_hosts:
        return "moved"
    host = site.host
    if not host.endswith(".gov.cn"):
        return "wrong_suffix"
    if site.portal:
        return "ok" if host.startswith("www.") and host.count(".") == 3 else "portal_pattern"
    portal = next((s for s in site.province.sites if s.portal and s.region == site.region), None)
    if portal is not None and not host.endswith("." + portal.host.removeprefix("www.")):
        return "outside_portal"
    return "ok"


def annual_report_links(site: SimSite) -> list[Link]:
    """The homepage's link to its 政府网站工作年度报表, as the scenario wants it (maybe none)."""
    year = site.province.as_of.year - 1
    mode = site.annual_report
    if mode == "missing":
        return []
    if mode == "old_year":
        year -= 1
    url = site.url(annual_report_path(year))
    if mode == "current_title":
        return [Link(url, "网站年度报表", title=f"{site.name}网站{year}年度工作报表")]
    if mode == "current_short":
        return [Link(url, f"{year}年度网站年报")]
    return [Link(url, f"{year}年度政府网站工作年度报表")]


def annual_report_path(year: int) -> str:
    """Where the report file is served."""
    return f"/ndbb/{year}/ndbb.pdf"


_HTTPS_TRUTH = {
    "valid": ("valid", None), "expired": ("invalid", "expired"), "wrong_host": ("invalid", "hostname_mismatch"),
    "self_signed": ("invalid", "self_signed"), "none": ("none", "refused"),
}
_SEARCH_TRUTH = {"works": "works", "error_500": "broken", "empty_index": "fails", "none": "none"}
_ANNUAL_TRUTH = {"current": "present", "current_title": "present", "current_short": "present",
                 "old_year": "wrong_year", "missing": "missing"}
_DOMAIN_TRUTH = {
    # case → (suffix_ok, portal_pattern_ok if portal, under_portal if department, moved)
    "ok": (True, True, True, False),
    "wrong_suffix": (False, None, None, False),
    "outside_portal": (True, None, False, False),
    "portal_pattern": (True, False, None, False),
    "moved": (True, True, True, True),
}


def sitecheck_truth(site: SimSite) -> dict[str, Any]:
    """What the site-level checks must find on this site (results.json vocabulary)."""
    suffix_ok, pattern_ok, under, moved = _DOMAIN_TRUTH[expected_domain(site)]
    has_portal = any(s.portal and s.region == site.region for s in site.province.sites)
    https_status, https_reason = _HTTPS_TRUTH[site.https]
    return {
        "domain": {
            "case": expected_domain(site),
            "suffix_ok": suffix_ok,
            "portal_pattern_ok": pattern_ok if site.portal else None,
            "under_portal": under if (not site.portal and has_portal and suffix_ok) else None,
            "moved": moved,
        },
        "https": {"status": https_status, "reason": https_reason},
        "ipv6": {"status": "supported" if site.ipv6 else "no_aaaa"},
        "search": {"status": _SEARCH_TRUTH[site.search]},
        "annual_report": {"status": _ANNUAL_TRUTH[site.annual_report], "due_year": site.province.as_of.year - 1},
    }
