"""The 通报's attachment tables as plain rows, shared by the DOCX, XLSX and HTML writers.

附件1 per region (as 湖南 2019 and 河南 publish), 附件2 the failing sites (序号, 单位, 网站名称,
网站标识码, 存在的突出问题), 附件3 every site's problems (as 荆州 2018: 网站标识码, 单位名称,
是否门户, 网址, 存在的问题, 结果).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from govinspect.campaign.aggregate import CampaignSummary, GroupRow
from govinspect.report.bulletin.text import format_rate

__all__ = ["Table", "failing_table", "problem_type_table", "region_table", "sites_table"]


@dataclass(slots=True)
class Table:
    """A header and rows of text; `widths` are relative column widths for the printed layouts."""

    header: list[str]
    rows: list[list[str]]
    widths: list[float]
    total_row: bool = False  # the last row is 合计


def _change(now: GroupRow, before: GroupRow | None) -> str:
    if before is None or now.pass_rate is None or before.pass_rate is None:
        return "—"
    diff = float(now.pass_rate - before.pass_rate) * 100
    return "持平" if abs(diff) < 0.05 else f"{diff:+.1f}个百分点"


def region_table(summary: CampaignSummary, digits: int = 1) -> Table:
    """附件1: per region, sampled / passing / failing / unscored / not inspected and the pass rate."""
    header = ["序号", "单位", "检查网站数", "合格网站数", "不合格网站数", "未评分网站数", "无法检查网站数", "合格率"]
    widths = [0.9, 2.6, 1, 1, 1, 1, 1, 1]
    comparison = summary.comparison
    if comparison is not None:
        header += ["上次合格率", "环比"]
        widths += [1, 1.2]
    rows = []
    for i, g in enumerate([*summary.groups, summary.total], 1):
        is_total = g is summary.total
        row = ["合计" if is_total else str(i), "" if is_total else g.name, str(g.sampled), str(g.passed),
               str(g.failed), str(g.unscored), str(g.errors), format_rate(g.pass_rate, digits)]
        if comparison is not None:
            before = comparison.total if is_total else comparison.groups.get(g.name)
            row += [format_rate(before.pass_rate, digits) if before else "—", _change(g, before)]
        rows.append(row)
    return Table(header, rows, widths, total_row=True)


def failing_table(summary: CampaignSummary) -> Table:
    """附件2: the failing sites and their reasons (整改不彻底 first when named again)."""
    rows = [
        [str(i), s.group, s.name, s.site_code or "", "；".join(s.reasons)]
        for i, s in enumerate(summary.failing, 1)
    ]
    return Table(["序号", "单位", "网站名称", "网站标识码", "存在的突出问题"], rows, [0.9, 2, 2.4, 2.1, 5])


def sites_table(summary: CampaignSummary) -> Table:
    """附件3: every sampled site with its problems and result."""
    rows = []
    for i, s in enumerate(summary.sites, 1):
        problems = s.problems
        text = "；".join(f"{n}.{p}" for n, p in enumerate(problems, 1)) if len(problems) > 1 else (
            problems[0] if problems else "未发现问题")
        portal = "是" if s.portal else ("否" if s.portal is False else "")
        rows.append([str(i), s.site_code or "", s.organiser or s.name, portal, s.url, text, s.result])
    return Table(["序号", "网站标识码", "单位名称", "是否门户", "网址", "存在的问题", "结果"], rows,
                 [0.9, 2.1, 2.2, 1.1, 2.6, 5, 1.2])


def problem_type_table(summary: CampaignSummary, digits: int = 1) -> Table:
    """问题类型: how many inspected sites show each problem type, and how many failed for it."""
    inspected = summary.total.sampled - summary.total.errors
    rows = [
        [str(i), r.type.label, str(len(r.sites)), str(len(r.veto_sites)),
         format_rate(Fraction(len(r.sites), inspected) if inspected else None, digits)]
        for i, r in enumerate(summary.problem_types, 1)
    ]
    return Table(["序号", "问题类型", "涉及网站数", "其中单项否决网站数", "占已检查网站比例"], rows, [0.9, 3, 1.2, 1.6, 1.6])
