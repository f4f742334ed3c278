"""report.docx: a Word report a person can open, listing each site's dead links."""

from __future__ import annotations

from docx import Document
from docx.oxml.ns import qn

from govinspect.models import DeadLink, Finding, RunResult, SiteResult, SiteSpec
from govinspect.report.docx import write_report_docx


def test_docx_lists_sites_and_dead_links_in_chinese(tmp_path):
    site = SiteResult(spec=SiteSpec(url="http://www.qingshan.gov.cn/", name="青山县人民政府", site_code="3301000001"))
    site.pages = 120
    site.dead_links = [
        DeadLink(source="http://www.qingshan.gov.cn/", target="http://www.qingshan.gov.cn/xxgk/old.html",
                 status=404, reason="http_404", scope="home", kind="page", checked_at="2024-06-15T09:30:00+08:00"),
        DeadLink(source="http://www.qingshan.gov.cn/xxgk/tzgg/index.html", target="http://www.gone.gov.cn/",
                 status=None, reason="dns", scope="other", kind="external"),
    ]
    site.findings = [Finding("deduct.design.links_home_dead", False, 1.0, {"count": 1}, "首页死链接1条，扣1分")]
    broken = SiteResult(spec=SiteSpec(url="http://www.nowhere.gov.cn/", name="无法访问县"), status="error",
                        error="首页域名无法解析 (dns)")
    run = RunResult(version="0.1.0", as_of="2024-06-15T00:00:00+08:00", profile="gov2019", sites=[site, broken])
    path = tmp_path / "report.docx"
    write_report_docx(run, path)

    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "政府网站检查报告" in text and "2024-06-15" in text
    assert "首页死链接1条、其他页面死链接1条" in text
    assert "首页死链接1条，扣1分" in text
    assert "http://www.qingshan.gov.cn/xxgk/old.html" in cells
    assert "域名无法解析" in cells
    assert "无法检查：首页域名无法解析 (dns)" in cells


def test_docx_shows_a_veto_on_a_site_without_dead_links_and_what_was_not_checked(tmp_path):
    # The veto is the line that matters for this site; it must not hide behind "no dead links".
    site = SiteResult(spec=SiteSpec(url="http://www.baihe.gov.cn/", name="白河县人民政府", site_code="6109290001"))
    site.pages = 86
    site.verdict = "fail"
    site.vetoes = ["veto.homepage_not_updated"]
    site.findings = [Finding("veto.homepage_not_updated", True, 0, {"days": 31}, "首页栏目信息超过2周未更新，单项否决")]
    site.not_checked = ["veto.interaction.no_channel"]
    run = RunResult(version="0.1.0", as_of="2024-06-15T00:00:00+08:00", profile="gov2019", sites=[site])
    path = tmp_path / "report.docx"
    write_report_docx(run, path)
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "检查结论：不合格。" in text
    assert "首页栏目信息超过2周未更新，单项否决。" in text
    assert "本次未能检查的指标（未检查不等于合格）：互动回应差（无有效互动渠道）。" in text
    assert "未发现死链接。" in text


def test_every_dead_link_row_keeps_its_own_text_and_the_official_font(tmp_path):
    # Rows after the first are built as copies of the first: each must carry its own link,
    # in order, in the body font Word shows for Chinese text (w:eastAsia), spaces kept.
    site = SiteResult(spec=SiteSpec(url="http://www.qingshan.gov.cn/", name="青山县人民政府"))
    site.pages = 300
    site.dead_links = [
        DeadLink(source=f"http://www.qingshan.gov.cn/xxgk/tzgg/{i:03d}.html",
                 target=f"http://www.qingshan.gov.cn/uploads/附件{i:03d}.doc", status=404, reason="http_404",
                 scope="other", kind="attachment", checked_at=f"2024-06-15T09:{i % 60:02d}:00+08:00")
        for i in range(120)
    ]
    site.dead_links[57].source = "  http://www.qingshan.gov.cn/spaced.html "
    run = RunResult(version="0.1.0", as_of="2024-06-15T00:00:00+08:00", profile="gov2019", sites=[site])
    path = tmp_path / "report.docx"
    write_report_docx(run, path)

    table = Document(str(path)).tables[-1]
    assert len(table.rows) == 121
    assert [c.text for c in table.rows[0].cells] == ["序号", "所在页面", "失效链接", "类型", "原因", "检查时间"]
    for i, row in enumerate(table.rows[1:]):
        cells = [c.text for c in row.cells]
        assert cells[0] == str(i + 1)
        assert cells[2] == f"http://www.qingshan.gov.cn/uploads/附件{i:03d}.doc"
        assert cells[3] == "附件" and cells[5] == f"2024-06-15 09:{i % 60:02d}:00"
    assert table.rows[58].cells[1].text == "  http://www.qingshan.gov.cn/spaced.html "
    last = table.rows[-1].cells[2].paragraphs[0].runs[-1]
    assert last.font.size.pt == 10.5
    assert last._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
