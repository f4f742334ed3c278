"""Import and export of the site registry as CSV/XLSX with Chinese headers.

Reading reuses the engine's registry reader (`govinspect.sites`): the same lenient file
handling (GBK/UTF-8/UTF-16 CSV, XLSX, title rows, Excel-mangled codes) and the same header
spellings, plus the platform's own columns (运行状态). Every row is validated on its own; a bad
row is reported with its row number and the others are imported.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from govinspect import sites as engine_sites
from govinspect.platform.registry.models import Organiser, Region, Site
from govinspect.platform.scope import region_allowed, scoped
from govinspect.sitecodes import site_code_error
from govinspect.workbooks import load_openpyxl

_EXTRA_HEADERS = {"status": ("运行状态", "网站状态", "状态", "status"), "region_code": ("行政区划代码", "地区代码", "regioncode")}
_STATUS_WORDS = {"运行": "running", "正常": "running", "running": "running", "关停": "closed", "关闭": "closed",
                 "closed": "closed", "整合": "merged", "已整合": "merged", "merged": "merged"}
EXPORT_HEADERS = ["网站标识码", "网站名称", "首页地址", "主办单位", "地区", "行政区划代码", "是否门户", "运行状态", "别名"]


@dataclass
class ImportResult:
    """What an import did: counts and one message per rejected row (row numbers as in Excel)."""

    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)


def _header_map(row: list[Any]) -> dict[str, int]:
    lookup = {alias: f for f, aliases in engine_sites.HEADER_ALIASES.items() for alias in aliases}
    # The platform's own columns win over the engine's looser spellings ("行政区划" is a region name there).
    lookup.update({alias: f for f, aliases in _EXTRA_HEADERS.items() for alias in aliases})
    out: dict[str, int] = {}
    for i, cell in enumerate(row):
        key = lookup.get(engine_sites._norm_header(cell))
        if key and key not in out:
            out[key] = i
    return out


def _find_region(text: str, code: str) -> Region | None:
    if code:
        return Region.objects.filter(code=code).first()
    if text.isdigit() and len(text) == 6:
        return Region.objects.filter(code=text).first()
    found = Region.objects.filter(full_name=text).first()
    if found is not None:
        return found
    candidates = list(Region.objects.filter(name=text)[:2])
    return candidates[0] if len(candidates) == 1 else None


def read_rows(path: Path) -> tuple[dict[str, int], list[tuple[int, list[Any]]]]:
    """(field → column, [(row number, cells)]) of a registry file; SitesFileError when unusable."""
    rows = engine_sites._load_rows(path)
    for r, row in enumerate(rows[:10]):
        columns = _header_map(list(row))
        if "site_code" in columns and "url" in columns:
            return columns, [(r + 2 + i, list(cells)) for i, cells in enumerate(rows[r + 1:])]
    raise engine_sites.SitesFileError("表头中找不到“网站标识码”和“首页地址”两列 (header needs site_code and url)")


def _cell(row: list[Any], columns: dict[str, int], key: str) -> str:
    i = columns.get(key)
    return engine_sites._cell_text(row[i]) if i is not None and i < len(row) else ""


@transaction.atomic
def import_sites(path: Path, user: Any, max_rows: int = 20000) -> ImportResult:
    """Create or update the sites listed in a CSV/XLSX registry file, within `user`'s scope."""
    columns, rows = read_rows(path)
    result = ImportResult()
    seen: dict[str, int] = {}
    if len(rows) > max_rows:
        raise engine_sites.SitesFileError(f"文件超过{max_rows}行，请分批导入")
    for number, row in rows:
        if not any(engine_sites._cell_text(c) for c in row):
            continue
        code = engine_sites._site_code(_cell(row, columns, "site_code")) or ""
        name = _cell(row, columns, "name")
        region_text, region_code = _cell(row, columns, "region"), _cell(row, columns, "region_code")
        region = _find_region(region_text, region_code)
        status = _STATUS_WORDS.get(_cell(row, columns, "status").lower() or "运行")
        url, url_error = engine_sites.normalise_site_url(_cell(row, columns, "url"))
        problem = (
            site_code_error(code, region.code if region else None)
            or (f"与第{seen[code]}行的网站标识码重复" if code in seen else None)
            or (None if name else "网站名称为空")
            or (None if region else f"地区“{region_code or region_text}”不在行政区划表中")
            or url_error
            or (None if status else f"运行状态“{_cell(row, columns, 'status')}”应为运行、关停或整合")
        )
        if problem is None and region is not None and not region_allowed(user, region.code):
            problem = f"地区“{region.full_name}”不在您的管辖范围内"
        existing = Site.objects.filter(site_code=code).first() if problem is None else None
        if existing is not None and not scoped(user, Site.objects.filter(pk=existing.pk)).exists():
            problem = "该网站标识码已由其他地区登记"
        if problem:
            result.errors.append((number, problem))
            continue
        seen[code] = number
        assert region is not None and status is not None
        organiser_name = _cell(row, columns, "organiser")
        organiser = None
        if organiser_name:
            organiser, _ = Organiser.objects.get_or_create(name=organiser_name, defaults={"region": region})
        values = {
            "name": name, "url": url, "region": region, "organiser": organiser, "status": status,
            "portal": engine_sites._portal(_cell(row, columns, "portal")) or False,
            "aliases": "\n".join(engine_sites._aliases(_cell(row, columns, "aliases"))),
        }
        if existing is None:
            Site.objects.create(site_code=code, **values)
            result.created += 1
        else:
            for key, value in values.items():
                setattr(existing, key, value)
            existing.save()
            result.updated += 1
    return result


def _safe(value: Any) -> Any:
    """A cell Excel will not run as a formula (=, +, -, @ prefixed with an apostrophe)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_rows(sites: Any) -> list[list[Any]]:
    """The registry as rows under EXPORT_HEADERS (a scoped queryset in, plain cells out)."""
    out = []
    for s in sites.select_related("region", "organiser"):
        out.append([s.site_code, s.name, s.url, s.organiser.name if s.organiser else "", s.region.full_name,
                    s.region.code, "是" if s.portal else "否", s.get_status_display(), "；".join(s.alias_list)])
    return out


def to_csv(headers: list[str], rows: list[list[Any]]) -> bytes:
    """UTF-8 with BOM, so Excel in China opens it without garbling."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(headers)
    writer.writerows([[_safe(c) for c in row] for row in rows])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(headers: list[str], rows: list[list[Any]], title: str) -> bytes:
    """One sheet with a bold header row; formula-looking text stays text."""
    load_openpyxl()
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_safe(c) for c in row])
    for cell in ws["A"]:
        cell.number_format = "@"  # 网站标识码 stays text, never 4.21E+09
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
