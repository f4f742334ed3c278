"""report.docx: the inspection report as a Word document in official-document style.

Title, 监测时间点, 检查概况, the per-site summary table, and for each site its conclusion, every
finding, what review set aside, availability, the indicators not checked and its dead links
(the same view model as report.html). The full 通报 (ranking, typical problems, rectification deadlines) is built on this by the
campaign issue.
"""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.run import Run

from govinspect.models import RunResult
from govinspect.report.files import atomic_target
from govinspect.report.html import build_report_context
from govinspect.report.labels import dead_reason_label, format_points, link_kind_label

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
MAX_ROWS_PER_SITE = 500  # a Word table beyond this is unreadable; the XLSX keeps every row
_CELL_TEXT = f"./{qn('w:tc')}/{qn('w:p')}/{qn('w:r')}/{qn('w:t')}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _font(run: Run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    # Word picks the East Asian font from w:eastAsia, not from w:ascii.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _para(doc: Document, text: str, *, font: str = BODY_FONT, size: float = 16, bold: bool = False,
          center: bool = False, indent: bool = True) -> None:
    p = doc.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    _font(p.add_run(text), font, size, bold)


def _table(doc: Document, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), HEADING_FONT, 10.5)
    if not rows:
        return
    # The first body row goes through python-docx; the others are copies of its XML with
    # their own text. python-docx spends ~0.3 ms on each cell's run properties, which made a
    # table of a few hundred dead links the slowest part of writing the report.
    first = table.add_row()
    for cell, text in zip(first.cells, rows[0]):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), BODY_FONT, 10.5)
    template = first._tr
    texts = template.findall(_CELL_TEXT)
    if len(texts) != len(rows[0]):  # not the shape expected: stay with the slow, sure way
        for row in rows[1:]:
            for cell, text in zip(table.add_row().cells, row):
                cell.text = ""
                _font(cell.paragraphs[0].add_run(text), BODY_FONT, 10.5)
        return
    for node in texts:
        node.set(_XML_SPACE, "preserve")  # keep leading and trailing spaces, as run.text does
    tbl = table._tbl
    for row in rows[1:]:
        tr = deepcopy(template)
        for node, text in zip(tr.iterfind(_CELL_TEXT), row):
            node.text = text
        tbl.append(tr)


def build_document(run: RunResult) -> Document:
    """The report as a python-docx Document."""
    doc = Document()
    _para(doc, "政府网站检查报告", font=TITLE_FONT, size=22, center=True)
    _para(doc, f"监测时间点：{run.as_of[:10]}　　指标体系：{run.profile}", size=14, center=True)
    inspected = [s for s in run.sites if s.status == "inspected"]
    failed = [s for s in run.sites if s.status != "inspected"]
    home = sum(1 for s in inspected for d in s.dead_links if d.scope == "home")
    other = sum(1 for s in inspected for d in s.dead_links if d.scope == "other")
    _para(doc, "一、检查概况", font=HEADING_FONT)
    _para(
        doc,
        f"本次共检查网站{len(run.sites)}个，完成检查{len(inspected)}个，无法检查{len(failed)}个；"
        f"共发现首页死链接{home}条、其他页面死链接{other}条。因防火墙人机验证、访问频率限制等原因"
        f"未能判定的链接{sum(len(s.blocked_links) for s in inspected)}条，未计入死链接。",
    )
    _table(
        doc,
        ["序号", "网站名称", "网站标识码", "检查页面数", "首页死链", "其他死链", "状态"],
        [
            [str(i), s.spec.name or s.spec.url, s.spec.site_code or "", str(s.pages),
             str(sum(1 for d in s.dead_links if d.scope == "home")),
             str(sum(1 for d in s.dead_links if d.scope == "other")),
             "已检查" if s.status == "inspected" else f"无法检查：{s.error or ''}"]
            for i, s in enumerate(run.sites, 1)
        ],
    )
    _para(doc, "二、各网站检查情况", font=HEADING_FONT)
    sections = {id(s): sec for s, sec in zip(run.sites, build_report_context(run)["sites"])}
    for n, site in enumerate(inspected, 1):
        sec = sections[id(site)]
        _para(doc, f"（{n}）{site.spec.name or site.spec.url}", font="楷体_GB2312")
        if sec["verdict"]:
            score = "" if site.score is None else f"，得分{format_points(site.score)}"
            _para(doc, f"检查结论：{sec['verdict']}{score}。")
        elif sec["links_only"]:
            _para(doc, "检查结论：本次仅检查链接（死链扫描），不评定是否合格。")
        # Every finding, not only dead links: a veto on a site without a dead link is the
        # report's most important line for that site.
        for finding in site.findings:
            _para(doc, finding.message.rstrip("。") + "。")
        for line in _review_and_coverage(sec):
            _para(doc, line, size=12)
        if not site.dead_links:
            _para(doc, "未发现死链接。")
            continue
        rows = [
            [str(i), d.source, d.target, link_kind_label(d.kind), dead_reason_label(d.reason, d.status),
             (d.checked_at or "")[:19].replace("T", " ")]
            for i, d in enumerate(site.dead_links[:MAX_ROWS_PER_SITE], 1)
        ]
        _table(doc, ["序号", "所在页面", "失效链接", "类型", "原因", "检查时间"], rows)
        if len(site.dead_links) > MAX_ROWS_PER_SITE:
            _para(doc, f"其余{len(site.dead_links) - MAX_ROWS_PER_SITE}条见 report.xlsx。")
    return doc


def _review_and_coverage(sec: dict[str, Any]) -> list[str]:
    """The lines that keep a reader from taking silence for a pass (as in report.html)."""
    lines = [
        f"经人工复核排除：{d['message']}" + (f"（排除理由：{d['reason']}）" if d["reason"] else "") + "。"
        for d in sec["dismissed"]
    ]
    av = sec["availability"]
    if av:
        line = f"首页可用性监测：监测时间点前7天共{av['probes']}次有效访问，失败{av['failures']}次（{av['ratio']}）。"
        lines.append(line if av["enough"] else line + f"{av['note']}，不作判定。")
    if sec["not_checked"] and not sec["links_only"]:
        lines.append(f"本次未能检查的指标（未检查不等于合格）：{'、'.join(sec['not_checked'])}。")
    return lines


def write_report_docx(run: RunResult, path: Path) -> None:
    """Write report.docx atomically."""
    with atomic_target(path) as tmp:
        build_document(run).save(str(tmp))
