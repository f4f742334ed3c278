"""A campaign's numbers: per-region counts and pass rates, failing sites, problem types, 环比.

Pure functions over the stored sites (dicts in the SITE shape of results.json), so a 通报 can
be rebuilt from a campaign directory at any time. The rules that keep the numbers honest:

* a site's result is 合格 or 不合格 only when the scoring engine said so; a site without a
  verdict is 未评分 and is never counted as 合格;
* a site that could not be inspected (status "error") is 无法检查: listed for a person to
  verify, never counted as 合格 or 不合格 (our failure to fetch is not the site's failure);
* a pass rate is computed only when every inspected site of the group has a verdict
  (合格 ÷ (合格 + 不合格)); otherwise it is None and the 通报 says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

__all__ = [
    "CampaignSummary", "Comparison", "GroupRow", "ProblemType", "ProblemTypeRow", "SiteOutcome",
    "compare", "site_identity", "summarise",
]

RESULT_PASS, RESULT_FAIL, RESULT_UNSCORED, RESULT_ERROR = "合格", "不合格", "未评分", "无法检查"
REPEAT_NOTE = "整改不彻底，再次被通报"
NO_PROBLEM = "未发现问题"


@dataclass(frozen=True, slots=True)
class ProblemType:
    """A family of findings as a 通报 names it (data/bulletin.yaml problem_types)."""

    id: str
    label: str
    prefixes: tuple[str, ...]
    sentence: str = ""

    def matches(self, indicator: str) -> bool:
        return any(indicator.startswith(p) for p in self.prefixes)


@dataclass(slots=True)
class SiteOutcome:
    """One sampled site as the 通报 sees it."""

    key: str
    site_code: str | None
    name: str
    organiser: str
    group: str
    portal: bool | None
    url: str
    status: str
    verdict: str | None
    score: float | None
    findings: list[dict[str, Any]]
    error: str | None = None
    repeat: bool = False  # failing now and in the previous campaign

    @property
    def result(self) -> str:
        """合格 / 不合格 / 未评分 / 无法检查."""
        if self.status != "inspected":
            return RESULT_ERROR
        return {"pass": RESULT_PASS, "fail": RESULT_FAIL}.get(self.verdict or "", RESULT_UNSCORED)

    @property
    def problems(self) -> list[str]:
        """Every finding's sentence (the 存在的问题 column); vetoes first."""
        if self.status != "inspected":
            return [f"无法完成检查：{self.error or '原因不明'}（需人工核实）"]
        ordered = sorted(self.findings, key=lambda f: (not f.get("veto"), -(f.get("points") or 0)))
        return [f["message"] for f in ordered if f.get("message")]

    @property
    def reasons(self) -> list[str]:
        """Why a failing site failed: its veto sentences, else its deductions and score."""
        vetoes = [f["message"] for f in self.findings if f.get("veto") and f.get("message")]
        if vetoes:
            out = vetoes
        else:
            out = self.problems
            if self.score is not None:
                out = out + [f"得分{self.score:g}分"]
        return ([REPEAT_NOTE] if self.repeat else []) + (out or ["未通过检查"])


@dataclass(slots=True)
class GroupRow:
    """The counts of one region (or unit) and their pass rate."""

    name: str
    sampled: int = 0
    passed: int = 0
    failed: int = 0
    unscored: int = 0
    errors: int = 0

    @property
    def rated(self) -> int:
        return self.passed + self.failed

    @property
    def pass_rate(self) -> Fraction | None:
        """合格 ÷ (合格 + 不合格), or None while some inspected site has no verdict."""
        if self.unscored or not self.rated:
            return None
        return Fraction(self.passed, self.rated)

    def add(self, site: SiteOutcome) -> None:
        self.sampled += 1
        result = site.result
        if result == RESULT_PASS:
            self.passed += 1
        elif result == RESULT_FAIL:
            self.failed += 1
        elif result == RESULT_UNSCORED:
            self.unscored += 1
        else:
            self.errors += 1


@dataclass(slots=True)
class ProblemTypeRow:
    """How many sites show one problem type; `veto_sites` are those failed for it."""

    type: ProblemType
    sites: list[SiteOutcome] = field(default_factory=list)
    veto_sites: list[SiteOutcome] = field(default_factory=list)


@dataclass(slots=True)
class Comparison:
    """The previous campaign, for 环比: its date, pass rates, and the sites failing again."""

    as_of: str
    total: GroupRow
    groups: dict[str, GroupRow]
    repeat_count: int
    fixed_count: int  # failing before, inspected and not failing now


@dataclass(slots=True)
class CampaignSummary:
    """Everything a 通报 prints, computed once."""

    as_of: str
    profile: str
    sample: str
    registry_count: int
    sites: list[SiteOutcome]
    groups: list[GroupRow]
    total: GroupRow
    problem_types: list[ProblemTypeRow]
    comparison: Comparison | None = None

    @property
    def failing(self) -> list[SiteOutcome]:
        return [s for s in self.sites if s.result == RESULT_FAIL]

    @property
    def unscored(self) -> list[SiteOutcome]:
        return [s for s in self.sites if s.result == RESULT_UNSCORED]

    @property
    def errors(self) -> list[SiteOutcome]:
        return [s for s in self.sites if s.result == RESULT_ERROR]


def _group_name(site: dict[str, Any], group_by: str) -> str:
    if group_by == "organiser":
        value = site.get("organiser") or site.get("name")
    else:
        value = site.get("region")
    return (value or "").strip() or "未填写地区"


def outcome(site: dict[str, Any], group_by: str = "region") -> SiteOutcome:
    """A stored SITE dict as an outcome."""
    url = site.get("url") or ""
    return SiteOutcome(
        key=site.get("key") or site.get("site_code") or url,
        site_code=site.get("site_code"),
        name=site.get("name") or site.get("organiser") or url,
        organiser=site.get("organiser") or "",
        group=_group_name(site, group_by),
        portal=site.get("portal"),
        url=url,
        status=site.get("status") or "error",
        verdict=site.get("verdict"),
        score=site.get("score"),
        findings=list(site.get("findings") or []),
        error=site.get("error"),
    )


def site_identity(site: SiteOutcome) -> str:
    """What makes a site the same one across campaigns: its 网站标识码, else its URL."""
    if site.site_code:
        return f"code:{site.site_code}"
    return "url:" + site.url.split("://", 1)[-1].rstrip("/").lower()


def _problem_rows(sites: list[SiteOutcome], types: list[ProblemType]) -> list[ProblemTypeRow]:
    rows = {t.id: ProblemTypeRow(t) for t in types}
    for site in sites:
        if site.status != "inspected":
            continue
        seen: dict[str, bool] = {}
        for f in site.findings:
            kind = next((t for t in types if t.matches(f.get("indicator") or "")), None)
            if kind is not None:
                seen[kind.id] = seen.get(kind.id, False) or bool(f.get("veto"))
        for type_id, veto in seen.items():
            rows[type_id].sites.append(site)
            if veto:
                rows[type_id].veto_sites.append(site)
    return [rows[t.id] for t in types if rows[t.id].sites]


def summarise(
    sites: list[dict[str, Any]], types: list[ProblemType], *, as_of: str, profile: str, sample: str = "all",
    registry_count: int | None = None, group_by: str = "region",
) -> CampaignSummary:
    """Counts per group (in the order groups first appear), totals and problem types."""
    outcomes = [outcome(s, group_by) for s in sites]
    groups: dict[str, GroupRow] = {}
    total = GroupRow("合计")
    for site in outcomes:
        groups.setdefault(site.group, GroupRow(site.group)).add(site)
        total.add(site)
    return CampaignSummary(
        as_of=as_of, profile=profile, sample=sample,
        registry_count=registry_count if registry_count is not None else len(outcomes),
        sites=outcomes, groups=list(groups.values()), total=total,
        problem_types=_problem_rows(outcomes, types),
    )


def compare(current: CampaignSummary, previous: CampaignSummary) -> CampaignSummary:
    """Mark the sites failing again (整改不彻底) and attach the previous rates for 环比."""
    failed_before = {site_identity(s) for s in previous.failing}
    fixed = 0
    repeat = 0
    now_ids = {site_identity(s): s for s in current.sites}
    for site in current.sites:
        site.repeat = site.result == RESULT_FAIL and site_identity(site) in failed_before
        repeat += site.repeat
    for ident in failed_before:
        site = now_ids.get(ident)
        if site is not None and site.result == RESULT_PASS:
            fixed += 1
    current.comparison = Comparison(
        as_of=previous.as_of, total=previous.total, groups={g.name: g for g in previous.groups},
        repeat_count=repeat, fixed_count=fixed,
    )
    return current
