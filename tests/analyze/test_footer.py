"""Footer identity marks on real-looking footers (TRS GBK, Hanweb tables, ASP, div) and page metadata."""

from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from govinspect.analyze.footer import page_footer, site_code_problem
from govinspect.analyze.pagemeta import page_meta
from govinspect.net.decoding import decode_body

PAGES = Path(__file__).parent.parent / "fixtures" / "pages"


def _page(name: str) -> str:
    text, _ = decode_body((PAGES / name).read_bytes(), None)
    return text


def test_trs_gbk_footer_with_conac_script_and_jiucuo_sitecode():
    f = page_footer(_page("portal_home_trs_gbk.html"))
    assert f.site_code == "5107230001"
    assert f.icp == "蜀ICP备05012345号-1"
    assert f.psb == "川公网安备51072302000123号"
    assert f.conac and f.zhaocuo and f.zhaocuo_site_code == "5107230001"
    assert f.organiser == "锦阳县人民政府办公室"
    assert f.contact == "jyxzf@163.com"  # only a mailto: link names the contact
    assert f.sitemap


def test_asp_table_footer_reads_banquan_as_organiser_and_jiucuo_link_code():
    f = page_footer(_page("asp_table_left_menu_empty_list.html"))
    assert (f.site_code, f.zhaocuo_site_code, f.organiser) == ("3311270012", "3311270012", "白泉县商务局")
    assert f.icp == "浙ICP备71493884号-1" and f.psb == "浙公网安备33112702000188号"


def test_missing_marks_are_none_not_guessed():
    f = page_footer(_page("hanweb_column_list_gtgt_rsxx.html"))
    assert f.site_code is None and f.psb is None and not f.conac and not f.zhaocuo and not f.sitemap
    assert f.icp == "浙ICP备05054321号"


def test_a_notice_naming_a_zhuban_danwei_is_not_the_footer():
    body = "<p>活动主办单位：青山县文化馆。欢迎参加。</p>" + "<p>正文内容。</p>" * 2000
    html = f"<html><body>{body}<div class='foot'>主办单位：青山县人民政府办公室 网站标识码：3311270001</div></body></html>"
    assert page_footer(html).organiser == "青山县人民政府办公室"


def test_site_code_formats():
    assert site_code_problem("3311270001") is None
    assert site_code_problem("bm07000001") is None
    assert site_code_problem("9901000001") == "region"
    assert site_code_problem("33112700") == "format"


def test_page_meta_reads_the_standard_names_case_insensitively():
    tree = LexborHTMLParser(_page("guide_trs_gbk_missing.html"))
    meta = page_meta(tree)
    assert meta["SiteIDCode"] == "3307250014" and meta["ArticleTitle"] == "再生育审批办事指南"
    assert set(meta) == {"SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ArticleTitle", "PubDate", "ContentSource"}
    assert page_meta(LexborHTMLParser('<html><head><meta name="sitename" content="x"></head></html>')) == {"SiteName": "x"}
