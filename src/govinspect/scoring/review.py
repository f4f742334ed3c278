"""The inspector's review sheet: one row per finding, a decision column 确认/驳回 and a reason.

A run writes ``findings-review.csv`` and ``findings-review.xlsx``; the inspector fills the
审核结论 column (确认 confirms, 驳回 dismisses and needs a 理由) in either file, and
``govinspect rescore`` reads it back. Rows are matched by the finding's 编号 (``finding_id``),
which depends only on what was measured, so it is the same every time the run is re-scored.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from govinspect.report.files import write_text_atomic

Decision = Literal["confirmed", "dismissed", "unreviewed"]

# Column → header; the reader also takes the English names.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "编号"),
    ("site_code", "网站标识码"),
    ("site_name", "网站名称"),
    ("url", "网址"),
    ("indicator", "指标"),
    ("indicator_name", "指标名称"),
    ("kind", "类型"),
    ("points", "扣分"),
    ("message", "问题描述"),
    ("evidence_url", "证据地址"),
    ("evidence", "证据说明"),
    ("decision", "审核结论（确认/驳回）"),
    ("reason", "理由"),
    ("reviewer", "审核人"),
)
_HEADER_TO_FIELD = {h: f for f, h in COLUMNS} | {f: f for f, _ in COLUMNS} | {
    "审核结论": "decision", "审核意见": "decision", "结论": "decision", "原因": "reason",
    "驳回理由": "reason", "说明": "reason", "审核人员": "reviewer",
}
_CONFIRM = {"确认", "确定", "属实", "认定", "同意", "是", "confirm", "confirmed", "yes", "y", "√", "✓"}
_DISMISS = {"驳回", "不属实", "误报", "不予认定", "排除", "否", "dismiss", "dismissed", "reject", "rejected",
            "no", "n", "×", "✗"}
KIND_LABELS = {"veto": "单项否决", "deduct": "扣分", "bonus": "加分"}
DECISION_LABELS = {"confirmed": "确认", "dismissed": "驳回", "unreviewed": ""}


class ReviewFileError(ValueError):
    """A review file that cannot be used; the text names the file, the row and the problem."""


@dataclass(frozen=True, slots=True)
class ReviewDecision:
    """One row's decision about one finding."""

    decision: Decision
    reason: str = ""
    reviewer: str = ""

    def as_dict(self) -> dict[str, str]:
        """The `review` object of a finding in results.json."""
        out = {"decision": self.decision}
        if self.reason:
            out["reason"] = self.reason
        if self.reviewer:
            out["reviewer"] = self.reviewer
        return out


UNREVIEWED = ReviewDecision("unreviewed")


def finding_id(site_url: str, indicator: str, measure: Mapping[str, Any], evidence: Iterable[Any]) -> str:
    """A short stable id from what was measured (never from points or wording, which re-scoring changes)."""
    urls = []
    for ev in evidence:
        url = ev.get("url") if isinstance(ev, Mapping) else getattr(ev, "url", "")
        detail = ev.get("detail") if isinstance(ev, Mapping) else getattr(ev, "detail", "")
        urls.append([url, detail])
    # Evidence arrives in the order pages were read, which differs between two crawls of the
    # same site (and between embedded and distributed runs): the id must not.
    urls.sort(key=lambda pair: (str(pair[0] or ""), str(pair[1] or "")))
    payload = json.dumps([site_url, indicator, measure, urls], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:12]


# ---------------------------------------------------------------------------- writing
def review_rows(sites: Iterable[Mapping[str, Any]], indicator_names: Mapping[str, str] | None = None,
                indicator_kinds: Mapping[str, str] | None = None) -> list[dict[str, str]]:
    """One row per finding of results.json SITE objects (dismissed ones too, with their decision)."""
    names = indicator_names or {}
    kinds = indicator_kinds or {}
    rows: list[dict[str, str]] = []
    for site in sites:
        for f in list(site.get("findings") or []) + list(site.get("dismissed") or []):
            evidence = f.get("evidence") or []
            review = f.get("review") or {}
            kind = kinds.get(f["indicator"]) or ("veto" if f.get("veto") else "deduct")
            rows.append({
                "id": f.get("id") or finding_id(site.get("url", ""), f["indicator"], f.get("measure") or {}, evidence),
                "site_code": site.get("site_code") or "",
                "site_name": site.get("name") or "",
                "url": site.get("url") or "",
                "indicator": f["indicator"],
                "indicator_name": names.get(f["indicator"], ""),
                "kind": KIND_LABELS.get(kind, kind),
                "points": "" if f.get("veto") else _points_text(f.get("points")),
                "message": f.get("message") or "",
                "evidence_url": evidence[0].get("url", "") if evidence else "",
                "evidence": _evidence_text(evidence),
                "decision": DECISION_LABELS.get(review.get("decision", "unreviewed"), ""),
                "reason": review.get("reason", ""),
                "reviewer": review.get("reviewer", ""),
            })
    return rows


def _points_text(points: Any) -> str:
    from govinspect.scoring.rules import format_points

    return format_points(float(points)) if isinstance(points, (int, float)) else ""


def _evidence_text(evidence: list[Mapping[str, Any]]) -> str:
    if not evidence:
        return ""
    first = str(evidence[0].get("detail") or "")
    return first if len(evidence) == 1 else f"{first}（另有{len(evidence) - 1}条证据，见 results.json）"


def write_review_csv(rows: list[dict[str, str]], path: Path) -> None:
    """UTF-8 with BOM, so Excel in China opens the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([h for _, h in COLUMNS])
    for row in rows:
        writer.writerow([row.get(f, "") for f, _ in COLUMNS])
    write_text_atomic(path, "\ufeff" + buffer.getvalue())


def write_review_xlsx(rows: list[dict[str, str]], path: Path) -> None:
    """The same sheet as XLSX, with the decision column ready for 确认/驳回 from a list."""
    from govinspect.workbooks import load_openpyxl

    load_openpyxl()
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "问题审核"
    ws.append([h for _, h in COLUMNS])
    for row in rows:
        ws.append([row.get(f, "") for f, _ in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    widths = {"id": 14, "site_name": 24, "url": 30, "indicator": 30, "indicator_name": 18, "message": 50,
              "evidence_url": 40, "evidence": 50, "decision": 18, "reason": 30}
    for n, (field, _) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[ws.cell(1, n).column_letter].width = widths.get(field, 12)
        if field in ("message", "evidence"):
            for cell in ws.iter_cols(min_col=n, max_col=n, min_row=2):
                for c in cell:
                    c.alignment = Alignment(wrap_text=True, vertical="top")
    decision_col = ws.cell(1, [f for f, _ in COLUMNS].index("decision") + 1).column_letter
    choice = DataValidation(type="list", formula1='"确认,驳回"', allow_blank=True)
    choice.error = "请填写“确认”或“驳回”"
    ws.add_data_validation(choice)
    if rows:
        choice.add(f"{decision_col}2:{decision_col}{len(rows) + 1}")
    ws.freeze_panes = "B2"
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)


# ---------------------------------------------------------------------------- reading
def read_review(path: Path) -> dict[str, ReviewDecision]:
    """Finding id → decision, from an edited CSV or XLSX review sheet (one-line errors)."""
    if not path.is_file():
        raise ReviewFileError(f"{path}: review file not found")
    table = _read_xlsx(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _read_csv(path)
    return _decisions(table, path.name)


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        if encoding == "utf-16" and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ReviewFileError(f"{path.name}: not UTF-8 or GBK text")
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _read_xlsx(path: Path) -> list[list[str]]:
    from govinspect.workbooks import load_openpyxl

    load_openpyxl()
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ReviewFileError(f"{path.name}: not a readable XLSX file ({type(exc).__name__})") from None
    try:
        ws = wb.worksheets[0]
        return [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def _norm(text: str) -> str:
    return "".join(str(text).split()).replace("\ufeff", "").strip().lower()


def _decisions(table: list[list[str]], name: str) -> dict[str, ReviewDecision]:
    header_at = next((n for n, row in enumerate(table[:10]) if any(_norm(c) in ("编号", "id") for c in row)), None)
    if header_at is None:
        raise ReviewFileError(f"{name}: no header row with a 编号 (id) column")
    lookup = {_norm(k): v for k, v in _HEADER_TO_FIELD.items()}
    columns = {lookup[_norm(c)]: i for i, c in reversed(list(enumerate(table[header_at]))) if _norm(c) in lookup}
    if "decision" not in columns:
        raise ReviewFileError(f"{name}: no 审核结论 (decision) column")
    out: dict[str, ReviewDecision] = {}
    for n, row in enumerate(table[header_at + 1:], start=header_at + 2):
        def cell(field: str, row: list[str] = row) -> str:
            i = columns.get(field)
            return str(row[i]).strip() if i is not None and i < len(row) and row[i] is not None else ""

        fid = cell("id")
        if not fid:
            if any(str(c).strip() for c in row):
                raise ReviewFileError(f"{name} row {n}: the 编号 (id) cell is empty")
            continue
        decision = _decision(cell("decision"), name, n)
        reason = cell("reason")
        if decision == "dismissed" and not reason:
            raise ReviewFileError(f"{name} row {n}: 驳回 needs a reason in the 理由 column (finding {fid})")
        found = ReviewDecision(decision, reason, cell("reviewer"))
        if fid in out and out[fid].decision != found.decision:
            raise ReviewFileError(f"{name} row {n}: finding {fid} is given twice with different decisions")
        out[fid] = found
    return out


def _decision(text: str, name: str, row: int) -> Decision:
    value = _norm(text)
    if not value:
        return "unreviewed"
    if value in _CONFIRM:
        return "confirmed"
    if value in _DISMISS:
        return "dismissed"
    raise ReviewFileError(f"{name} row {row}: 审核结论 {text!r} is neither 确认 nor 驳回")
