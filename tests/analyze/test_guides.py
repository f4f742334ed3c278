"""Service guides: the ten elements from table, heading and label-variant layouts, GBK and UTF-8."""

from pathlib import Path

from govinspect.analyze.guides import CATEGORIES, looks_like_guide, page_guide
from govinspect.net.decoding import decode_body

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"


def _page(name: str) -> str:
    text, _ = decode_body((PAGES / name).read_bytes(), None)
    return text


def test_complete_hanweb_table_guide_has_all_ten_elements_and_its_form():
    g = page_guide(_page("guide_bszn_table.html"), "http://www.qs.gov.cn/art/2024/3/5/art_1293_1.html")
    assert g is not None
    assert g.title == "个体工商户设立登记"
    assert g.missing == () and g.present == CATEGORIES
    assert g.forms == (("个体工商户登记（备案）申请书.doc", "http://www.qs.gov.cn/module/download/downfile.jsp?filename=gtdj.doc"),)


def test_trs_gbk_guide_reads_label_variants_and_an_empty_cell_is_missing():
    # 法律依据 / 受理条件 / 申请材料 / 受理地点 / 实施主体 / 办理程序 / 承诺期限 are variants; 咨询电话 shows "—".
    g = page_guide(_page("guide_trs_gbk_missing.html"), "http://wjw.sj.gov.cn/bsfw/bszn/202311/t20231120_1.html")
    assert g is not None
    assert g.title == "再生育审批"
    assert g.missing == ("联系电话",)
    assert g.empty == ("联系电话",)
    assert g.forms[0][1] == "http://wjw.sj.gov.cn/bsfw/bszn/202311/P020231120551234567890.doc"


def test_heading_layout_guide_with_placeholder_and_blank_values_misses_six():
    g = page_guide(_page("guide_div_headings_poor.html"), "http://www.bh.gov.cn/zwfw/bszn/1.html")
    assert g is not None
    assert g.missing == ("办理材料", "办理地点", "收费标准", "办理时间", "联系电话", "办理流程")
    assert set(g.empty) == {"办理材料", "办理流程"}  # 暂无 and an empty paragraph


def test_the_footer_phone_is_not_taken_for_the_guides_contact():
    g = page_guide(_page("guide_div_headings_poor.html"), "http://www.bh.gov.cn/zwfw/bszn/1.html")
    assert g is not None and "联系电话" in g.missing


def test_pages_that_are_not_guides_are_not_parsed_as_guides():
    for name in ("letters_ldxx_list.html", "trs_tzgg_notice_list.html", "article_fbsj_source_paragraphs.html"):
        html = _page(name)
        assert not looks_like_guide(html) or page_guide(html, "http://x.gov.cn/a.html") is None, name
