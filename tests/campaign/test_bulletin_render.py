"""bulletin.docx renders through LibreOffice into an A4 document that reads like a 通报."""

from __future__ import annotations

import datetime as dt

import pytest
from campaign_data import AS_OF, campaign_sites
from pypdf import PdfReader

from govinspect.campaign.aggregate import summarise
from govinspect.report.bulletin import build_bulletin, write_bulletin
from govinspect.report.bulletin.render import docx_to_pdf, pdf_to_pngs, renderer_missing
from govinspect.report.bulletin.text import load_template, problem_types

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(renderer_missing() is not None, reason=f"cannot render DOCX here: {renderer_missing()}"),
]


def test_docx_renders_to_a4_pages_with_title_sections_and_attachments(tmp_path):
    template = load_template()
    template["issuer"] = "荆州市人民政府办公室"
    summary = summarise(campaign_sites(), problem_types(template), as_of=AS_OF, profile="gov2019")
    docx = write_bulletin(build_bulletin(summary, template, date=dt.date(2024, 6, 20)), tmp_path)[0]
    pdf = docx_to_pdf(docx, tmp_path / "pdf")
    reader = PdfReader(str(pdf))
    assert len(reader.pages) >= 4  # the body, then one page at least per attachment
    first = reader.pages[0]
    width, height = float(first.mediabox.width), float(first.mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 portrait in points
    last = reader.pages[-1]
    assert round(float(last.mediabox.width)) == 842  # the site list is landscape
    text = "".join(p.extract_text() for p in reader.pages).replace(" ", "").replace("\n", "")
    for expected in ("荆州市人民政府办公室关于2024年第二季度", "一、总体情况", "二、发现的主要问题", "三、工作要求",
                     "附件1", "存在的突出问题", "荆州经济技术开发区", "—1—"):
        assert expected in text, expected
    pngs = pdf_to_pngs(pdf, tmp_path / "png", dpi=30, last=2)
    assert len(pngs) == 2 and all(p.stat().st_size > 2000 for p in pngs)
