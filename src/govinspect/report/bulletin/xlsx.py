"""bulletin.xlsx: the 通报's attachment tables as sheets (附件1–3), plus the problem types.

Each sheet has its title in row 1 (as the published attachments do) and the header in row 2,
frozen, so the sheet can be filtered and sent on as it is.
"""

from __future__ import annotations

from pathlib import Path

from govinspect.workbooks import load_openpyxl

load_openpyxl()

from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Alignment, Border, Font, Side  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402

from govinspect.report.bulletin.tables import Table  # noqa: E402
from govinspect.report.files import atomic_target  # noqa: E402

__all__ = ["build_bulletin_workbook", "write_bulletin_xlsx"]

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")


def _number(text: str) -> int | str:
    """Counts as numbers (so Excel can sum them); everything else as text (标识码 keep their zeros)."""
    return int(text) if text.isdigit() and len(text) < 6 else text


def _sheet(wb: Workbook, name: str, title: str, table: Table) -> None:
    ws = wb.create_sheet(name)
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(table.header))
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.append(table.header)
    for row in table.rows:
        ws.append([_number(v) for v in row])
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in ws.iter_rows(min_row=2, max_row=ws.max_row):
        for cell in row:
            cell.border = _BORDER
            if cell.row > 2:
                cell.alignment = _WRAP
    for i, w in enumerate(table.widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = max(6, w * 9)
    ws.freeze_panes = "A3"


def build_bulletin_workbook(tables: dict[str, Table], titles: dict[str, str], problem_types: Table) -> Workbook:
    """One sheet per attachment (附件1 各地区, 附件2 不合格网站, 附件3 各网站问题) and 问题类型."""
    wb = Workbook()
    wb.remove(wb.active)
    names = {"regions": "附件1 各地区检查情况", "failing": "附件2 不合格网站名单", "sites": "附件3 各网站检查情况"}
    for i, key in enumerate(k for k in ("regions", "failing", "sites") if k in tables):
        _sheet(wb, names[key], f"附件{i + 1}　{titles[key]}", tables[key])
    _sheet(wb, "问题类型", "问题类型统计", problem_types)
    return wb


def write_bulletin_xlsx(tables: dict[str, Table], titles: dict[str, str], problem_types: Table, path: Path) -> None:
    """Write bulletin.xlsx atomically."""
    with atomic_target(path) as tmp:
        build_bulletin_workbook(tables, titles, problem_types).save(tmp)
