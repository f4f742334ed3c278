"""bulletin.docx read back with python-docx: the GB/T 9704 page, fonts, sections and tables."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from campaign_data import AS_OF, PREVIOUS_AS_OF, campaign_sites, previous_sites
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Pt

from govinspect.campaign.aggregate import compare, summarise
from govinspect.report.bulletin import build_bulletin, write_bulletin
from govinspect.report.bulletin.text import load_template, problem_types

DATE = dt.date(2024, 6, 20)


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    template = load_template()
    template["issuer"] = "荆州市人民政府办公室"
    template["scope"] = "全市"
    types = problem_types(template)
    summary = summarise(campaign_sites(), types, as_of=AS_OF, profile="gov2019", sample="50%", registry_count=20)
    compare(summary, summarise(previous_sites(), types, as_of=PREVIOUS_AS_OF, profile="gov2019"))
    out = tmp_path_factory.mktemp("bulletin")
    paths = write_bulletin(build_bulletin(summary, template, date=DATE), out)
    return paths


@pytest.fixture(scope="module")
def doc(written):
    return Document(str(written[0]))


def _mm(length):
    return round(length.mm)


def _texts(doc):
    return [p.text for p in doc.paragraphs]


def _east_asian(run):
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_pages_are_a4_with_the_standard_margins(doc):
    body = doc.sections[0]
    # Word stores twentieths of a point: compare in whole millimetres.
    assert (_mm(body.page_width), _mm(body.page_height)) == (210, 297)
    assert [_mm(m) for m in (body.top_margin, body.bottom_margin, body.left_margin, body.right_margin)] == [37, 35, 28, 26]
    grid = body._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 28.95 pt: 22 lines on the 225 mm 版心


def test_title_is_xiaobiaosong_22pt_and_body_fangsong_16pt_on_the_line_grid(doc):
    title = next(p for p in doc.paragraphs if p.text.startswith("荆州市人民政府办公室关于"))
    assert title.text == "荆州市人民政府办公室关于2024年第二季度全市政府网站抽查情况的通报"
    assert _east_asian(title.runs[0]) == "方正小标宋简体" and title.runs[0].font.size == Pt(22)
    body = next(p for p in doc.paragraphs if p.text.startswith("以2024年6月15日为监测时间点"))
    assert _east_asian(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size == Pt(16)
    assert body.paragraph_format.first_line_indent == Pt(32)  # 首行缩进2字
    normal = doc.styles["Normal"].paragraph_format
    assert normal.line_spacing == Pt(28.95)


def test_numbered_sections_use_heiti_and_kaiti(doc):
    texts = _texts(doc)
    heads = [t for t in texts if t in ("一、总体情况", "二、发现的主要问题", "三、工作要求")]
    assert heads == ["一、总体情况", "二、发现的主要问题", "三、工作要求"]
    heading = next(p for p in doc.paragraphs if p.text == "一、总体情况")
    assert _east_asian(heading.runs[0]) == "黑体"
    second = next(p for p in doc.paragraphs if p.text.startswith("（一）整改不彻底。"))
    assert _east_asian(second.runs[0]) == "楷体_GB2312" and _east_asian(second.runs[1]) == "仿宋_GB2312"
    assert "“荆州经济技术开发区”、“监利县人民政府”2个网站在上次抽查中被通报后整改不彻底" in second.text


def test_overall_section_says_what_was_sampled_and_why_no_rate(doc):
    overall = next(t for t in _texts(doc) if t.startswith("以2024年6月15日"))
    assert "从20个政府网站中随机抽查了10个" in overall
    assert "1个网站尚未完成评分，本次暂不计算合格率" in overall
    assert "另有1个网站因无法完成检查" in overall


def test_signature_and_date_and_attachment_notes(doc):
    texts = _texts(doc)
    assert "附件：1．2024年第二季度全市政府网站抽查情况" in texts
    assert texts.index("荆州市人民政府办公室") < texts.index("2024年6月20日")
    requirement = next(t for t in texts if t.startswith("（二）抓好问题整改。"))
    assert "于2024年7月5日前将整改情况书面报送荆州市人民政府办公室" in requirement


def test_attachment_tables_have_the_published_headers(doc):
    headers = [[c.text for c in t.rows[0].cells] for t in doc.tables]
    assert headers[0][:3] == ["序号", "单位", "检查网站数"] and "不合格网站数" in headers[0] and "合格率" in headers[0]
    assert headers[0][-2:] == ["上次合格率", "环比"]
    assert headers[1] == ["序号", "单位", "网站名称", "网站标识码", "存在的突出问题"]
    assert headers[2] == ["序号", "网站标识码", "单位名称", "是否门户", "网址", "存在的问题", "结果"]
    regions = [[c.text for c in r.cells] for r in doc.tables[0].rows[1:]]
    assert regions[0][:8] == ["1", "荆州市", "4", "3", "1", "0", "0", "75.0%"]
    assert regions[0][8:] == ["33.3%", "+41.7个百分点"]
    assert regions[-1][0] == "合计" and regions[-1][7] == "—"
    failing = [[c.text for c in r.cells] for r in doc.tables[1].rows[1:]]
    assert failing[0][1:4] == ["荆州市", "荆州经济技术开发区", "4210000014"]
    assert failing[0][4].startswith("整改不彻底，再次被通报；首页栏目监测时间点前2周内无更新")
    results = [r.cells[6].text for r in doc.tables[2].rows[1:]]
    assert results.count("合格") == 6 and results.count("不合格") == 2
    assert results.count("未评分") == 1 and results.count("无法检查") == 1


def test_header_rows_repeat_and_the_site_list_is_landscape(doc):
    for table in doc.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert doc.sections[-1].orientation == WD_ORIENT.LANDSCAPE
    assert _mm(doc.sections[-1].page_width) == 297


def test_page_numbers_and_font_fallbacks_are_declared(written, doc):
    assert doc.settings.odd_and_even_pages_header_footer
    odd = doc.sections[0].footer._element.xml
    assert "PAGE" in odd and "— " in odd
    with zipfile.ZipFile(written[0]) as z:
        fonts = z.read("word/fontTable.xml").decode("utf-8")
    assert 'w:name="仿宋_GB2312"' in fonts and '<w:altName w:val="仿宋"/>' in fonts
    assert 'w:name="方正小标宋简体"' in fonts and '<w:altName w:val="宋体"/>' in fonts
