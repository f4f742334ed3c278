"""report.xlsx: the attachment inspectors send with a 通报 — a summary sheet and the dead links."""

from __future__ import annotations

from pathlib import Path

from govinspect.workbooks import load_openpyxl

load_openpyxl()

from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Alignment, Font  # noqa: E402

from govinspect.models import RunResult  # noqa: E402
from govinspect.report.files import atomic_target
from govinspect.report.labels import dead_reason_label, link_kind_label

_HEADER_FONT = Font(bold=True)


def build_workbook(run: RunResult) -> Workbook:
    """Two sheets: 检查概况 (one row per site) and 死链明细 (one row per dead link)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "检查概况"
    ws.append(["序号", "网站名称", "网站标识码", "首页地址", "地区", "状态", "检查页面数", "检查链接数",
               "首页死链", "其他死链", "受限链接（未计入）", "说明"])
    for i, site in enumerate(run.sites, 1):
        home = sum(1 for d in site.dead_links if d.scope == "home")
        ws.append([
            i, site.spec.name or "", site.spec.site_code or "", site.spec.url, site.spec.region or "",
            "已检查" if site.status == "inspected" else "无法检查", site.pages, site.links_checked,
            home, len(site.dead_links) - home, len(site.blocked_links), site.error or "",
        ])
    dl = wb.create_sheet("死链明细")
    dl.append(["序号", "网站名称", "网站标识码", "所在页面", "失效链接", "链接文字", "类型", "位置",
               "状态码", "原因", "检查时间", "引用页面数"])
    n = 0
    for site in run.sites:
        for d in site.dead_links:
            n += 1
            dl.append([
                n, site.spec.name or site.spec.url, site.spec.site_code or "", d.source, d.target, d.anchor,
                link_kind_label(d.kind), "首页" if d.scope == "home" else "其他页面",
                d.status if d.status is not None else "", dead_reason_label(d.reason, d.status), d.checked_at or "",
                d.source_count,
            ])
    for sheet in (ws, dl):
        for cell in sheet[1]:
            cell.font = _HEADER_FONT
            cell.alignment = Alignment(horizontal="center")
        sheet.freeze_panes = "A2"
    return wb


def write_report_xlsx(run: RunResult, path: Path) -> None:
    """Write report.xlsx atomically."""
    with atomic_target(path) as tmp:
        build_workbook(run).save(tmp)
