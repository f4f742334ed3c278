"""bulletin.docx: the 通报 as an official document laid out per GB/T 9704-2012.

A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (版心 156 × 225 mm); title in
方正小标宋简体 二号 (22 pt); body in 仿宋_GB2312 三号 (16 pt) with a 28.95 pt line pitch (22 lines
of 28 characters); 一级标题 黑体, 二级标题 楷体_GB2312; page numbers "— N —" in 宋体 四号, odd
pages right and even pages left; attachments on new pages with their tables. Fonts and their
fall-backs come from the template (data/bulletin.yaml).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from govinspect.report.bulletin.tables import Table
from govinspect.report.bulletin.text import BulletinText
from govinspect.report.files import atomic_target

__all__ = ["LINE_PITCH", "MARGINS_MM", "build_bulletin_docx", "write_bulletin_docx"]

MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
BODY_SIZE = 16  # 三号
TITLE_SIZE = 22  # 二号
LINE_PITCH = 28.95  # 225 mm of 版心 / 22 lines, in points
TABLE_SIZE = 12  # 小四, readable in a table
RED = RGBColor(0xE6, 0x00, 0x12)


def _off_grid(p: Paragraph) -> None:
    """Let a paragraph keep its own line height instead of snapping to the 22-line page grid."""
    p._p.get_or_add_pPr().append(parse_xml(f'<w:snapToGrid {nsdecls("w")} w:val="0"/>'))


class _Fonts:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec

    def name(self, role: str) -> str:
        return str(self.spec[role]["name"])

    def fallbacks(self) -> dict[str, str]:
        return {str(v["name"]): str(v.get("fallback") or v["name"]) for v in self.spec.values()}


def _set_run_font(run: Any, east_asian: str, latin: str, size: float, *, bold: bool = False,
                  color: RGBColor | None = None) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = latin
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    # Word takes Chinese glyphs from w:eastAsia; the hint makes ambiguous punctuation East Asian too.
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:hint"), "eastAsia")


class _Writer:
    def __init__(self, fonts: _Fonts) -> None:
        self.doc = Document()
        self.fonts = fonts
        self.latin = fonts.name("latin")
        self._setup()

    # ------------------------------------------------------------------ page and defaults
    def _setup(self) -> None:
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.orientation = WD_ORIENT.PORTRAIT
        self._margins(section)
        normal = self.doc.styles["Normal"]
        normal.font.size = Pt(BODY_SIZE)
        normal.font.name = self.latin
        rfonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
        rfonts.set(qn("w:eastAsia"), self.fonts.name("body"))
        fmt = normal.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PITCH)
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.widow_control = False
        self.doc.settings.odd_and_even_pages_header_footer = True
        self._page_numbers(section)
        self._font_table()

    def _margins(self, section: Any) -> None:
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        section.footer_distance = Mm(28)  # 页码 sits 7 mm below the 版心, as the standard asks
        sect_pr = section._sectPr
        for old in sect_pr.findall(qn("w:docGrid")):
            sect_pr.remove(old)
        # 22 lines per page: the line grid Word snaps body text to.
        sect_pr.append(parse_xml(f'<w:docGrid {nsdecls("w")} w:type="lines" w:linePitch="{round(LINE_PITCH * 20)}"/>'))

    def _page_numbers(self, section: Any) -> None:
        for footer, align, indent in (
            (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
            (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left"),
        ):
            p = footer.paragraphs[0]
            p.alignment = align
            # 单页码居右空一字，双页码居左空一字 (one 四号 character = 14 pt).
            setattr(p.paragraph_format, f"{indent}_indent", Pt(14))
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            _off_grid(p)
            font = self.fonts.name("page_number")
            _set_run_font(p.add_run("— "), font, font, 14)
            self._field(p, "PAGE", font)
            _set_run_font(p.add_run(" —"), font, font, 14)

    def _field(self, p: Paragraph, instruction: str, font: str) -> None:
        for kind, text in (("begin", None), ("instr", f" {instruction} "), ("separate", None), ("text", "1"),
                           ("end", None)):
            run = p.add_run()
            _set_run_font(run, font, font, 14)
            if kind == "instr":
                el = OxmlElement("w:instrText")
                el.set(qn("xml:space"), "preserve")
                el.text = text
                run._element.append(el)
            elif kind == "text":
                run.text = text or ""
            else:
                el = OxmlElement("w:fldChar")
                el.set(qn("w:fldCharType"), kind)
                run._element.append(el)

    def _font_table(self) -> None:
        """Declare each 公文 font with its fall-back (w:altName) and GB2312 charset."""
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        part = self.doc.part.part_related_by(RT.FONT_TABLE)
        root = parse_xml(part.blob)
        present = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
        for name, fallback in self.fonts.fallbacks().items():
            if name in present:
                continue
            alt = f'<w:altName w:val="{fallback}"/>' if fallback != name else ""
            root.append(parse_xml(
                f'<w:font {nsdecls("w")} w:name="{name}">{alt}<w:charset w:val="86"/>'
                '<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
            ))
        from lxml import etree

        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    # ------------------------------------------------------------------ paragraphs
    def para(self, text: str = "", *, role: str = "body", size: float = BODY_SIZE, align: Any = None,
             indent_chars: float = 2, left_chars: float = 0, right_chars: float = 0, bold: bool = False,
             color: RGBColor | None = None, line: float | None = None) -> Paragraph:
        p = self.doc.add_paragraph()
        fmt = p.paragraph_format
        if align is not None:
            p.alignment = align
        else:
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            fmt.first_line_indent = Pt(size * indent_chars)
        if left_chars:
            fmt.left_indent = Pt(size * left_chars)
        if right_chars:
            fmt.right_indent = Pt(size * right_chars)
        if line is not None:
            fmt.line_spacing = Pt(line)
        if text:
            _set_run_font(p.add_run(text), self.fonts.name(role), self.latin, size, bold=bold, color=color)
        return p

    def run(self, p: Paragraph, text: str, role: str, size: float = BODY_SIZE, bold: bool = False) -> None:
        _set_run_font(p.add_run(text), self.fonts.name(role), self.latin, size, bold=bold)

    def red_rule(self) -> None:
        """The red separator line under the 版头 (a paragraph border, 2.25 pt)."""
        p = self.para(align=WD_ALIGN_PARAGRAPH.CENTER, line=8)
        p_pr = p._p.get_or_add_pPr()
        p_pr.append(parse_xml(
            f'<w:pBdr {nsdecls("w")}><w:bottom w:val="single" w:sz="18" w:space="1" w:color="E60012"/></w:pBdr>'
        ))

    # ------------------------------------------------------------------ tables
    def table(self, table: Table, text_width_mm: float) -> None:
        t = self.doc.add_table(rows=1, cols=len(table.header))
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        scale = text_width_mm / sum(table.widths)
        widths = [Mm(w * scale) for w in table.widths]
        for column, width in zip(t.columns, widths):
            column.width = width  # the grid LibreOffice lays out by; cell widths are Word's
        header = t.rows[0]
        tr_pr = header._tr.get_or_add_trPr()
        tr_pr.append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))  # repeat on every page
        for cell, text, width in zip(header.cells, table.header, widths):
            self._cell(cell, text, width, "heading", center=True)
        last = len(table.rows) - 1
        for n, row in enumerate(table.rows):
            cells = t.add_row().cells
            for i, (cell, text, width) in enumerate(zip(cells, row, widths)):
                numeric = i == 0 or text.replace("%", "").replace(".", "").isdigit() or text in ("—", "合计")
                role = "heading" if table.total_row and n == last else "body"
                self._cell(cell, text, width, role, center=numeric or len(text) <= 4)

    def _cell(self, cell: Any, text: str, width: Any, role: str, center: bool) -> None:
        cell.width = width
        p = cell.paragraphs[0]
        fmt = p.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(TABLE_SIZE * 1.5)
        fmt.first_line_indent = Pt(0)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
        _off_grid(p)
        _set_run_font(p.add_run(text), self.fonts.name(role), self.latin, TABLE_SIZE)

    def new_section(self, landscape: bool) -> float:
        """Start a new page section; returns its text width in mm."""
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
            section.top_margin, section.bottom_margin = Mm(28), Mm(26)
            section.left_margin, section.right_margin = Mm(37), Mm(35)
            return 297 - 37 - 35
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        self._margins(section)
        return 210 - 28 - 26


def _visual_width(text: str) -> float:
    """Width in 三号 characters: ASCII digits and letters are half as wide as Chinese ones."""
    return sum(0.5 if ord(c) < 128 else 1 for c in text)


def build_bulletin_docx(text: BulletinText, tables: dict[str, Table], fonts: dict[str, Any]) -> Any:
    """The 通报 as a python-docx Document: letterhead, title, body, signature, 附件 with tables."""
    w = _Writer(_Fonts(fonts))
    center = WD_ALIGN_PARAGRAPH.CENTER
    if text.letterhead:
        # 发文机关标志: red 小标宋, centred, above the red rule.
        w.para(text.letterhead, role="title", size=30, align=center, color=RED, line=48)
        if text.doc_number:
            w.para(text.doc_number, align=center)
        w.red_rule()
    w.para(align=center)
    w.para(text.title, role="title", size=TITLE_SIZE, align=center, line=36)
    w.para()
    w.para(text.recipients, indent_chars=0)
    w.para(text.opening)
    w.para(text.headings["overall"], role="heading")
    w.para(text.overall)
    for note in text.notes:
        w.para(note)
    w.para(text.headings["problems"], role="heading")
    if text.problems:
        w.para(text.problems_intro)
        for heading, sentence in text.problems:
            p = w.para()
            w.run(p, heading, "subheading")
            w.run(p, sentence, "body")
    else:
        w.para(text.no_problems)
    w.para(text.headings["requirements"], role="heading")
    for heading, sentence in text.requirements:
        p = w.para()
        w.run(p, heading, "subheading")
        w.run(p, sentence, "body")
    w.para()
    order = [k for k in ("regions", "failing", "sites") if k in tables]
    for i, key in enumerate(order, 1):
        # 附件说明: "附件：1．…"; later numbers under the first, wrapped lines under the titles.
        label = f"附件：{i}．" if i == 1 else f"{i}．"
        w.para(label + text.attachments[key], left_chars=6, indent_chars=-4 if i == 1 else -1)
    w.para()
    w.para()
    # 成文日期右空四字; 发文机关署名 centred over the date (GB/T 9704-2012 7.3.5.1).
    issuer_w, date_w = _visual_width(text.issuer), _visual_width(text.date_cn)
    date_right = 4 if issuer_w <= date_w + 4 else 2 + (issuer_w - date_w) / 2
    issuer_right = max(2.0, date_right + (date_w - issuer_w) / 2)
    w.para(text.issuer, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=issuer_right)
    w.para(text.date_cn, align=WD_ALIGN_PARAGRAPH.RIGHT, right_chars=date_right)
    if text.publish_note:
        w.para(text.publish_note)
    for i, key in enumerate(order, 1):
        width = w.new_section(landscape=key == "sites")
        w.para(f"附件{i}", role="heading", indent_chars=0)
        w.para(text.attachments[key], role="title", size=TITLE_SIZE - 4, align=center, line=36)
        if tables[key].rows:
            w.table(tables[key], width)
        else:
            w.para("无。")
    return w.doc


def write_bulletin_docx(text: BulletinText, tables: dict[str, Table], fonts: dict[str, Any], path: Path) -> None:
    """Write bulletin.docx atomically."""
    with atomic_target(path) as tmp:
        build_bulletin_docx(text, tables, fonts).save(str(tmp))
