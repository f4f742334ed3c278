"""The homepage's link to its 政府网站工作年度报表 of the previous year (国办函〔2018〕12号)."""

from datetime import date

from govinspect.sitechecks.annual_report import find_report_links, judge_annual_report

HOME = """<!DOCTYPE html><html><head><meta charset="gb2312"><title>青山县人民政府</title></head><body>
<div class="banner"><a href="/ztzl/ndbb/" target="_blank"><img src="/images/nb.jpg" alt="青山县人民政府网站2023年度工作报表"></a></div>
<table width="1000"><tr><td class="bt_link"><a href="/zwgk/ndbg/202401/t20240120_1.html">青山县2023年政府信息公开工作年度报告</a></td>
<td><a href="/art/2023/1/20/art_1_2.html" title="2022年度政府网站工作年度报表">2022年度政府网站工作...</a></td>
<td><a href="/zfwz/jgnb.html">2023年度政府网站监管年度报表</a></td></tr></table></body></html>"""


def test_links_found_by_text_title_and_image_alt_never_the_disclosure_report():
    links = find_report_links(HOME, "http://www.qingshan.gov.cn/")
    assert [(link["url"], link["year"]) for link in links] == [
        ("http://www.qingshan.gov.cn/ztzl/ndbb/", 2023),
        ("http://www.qingshan.gov.cn/art/2023/1/20/art_1_2.html", 2022),
    ]


def test_due_after_january_and_wrong_year_named():
    links = find_report_links(HOME, "http://www.qingshan.gov.cn/")
    assert judge_annual_report(links, date(2024, 6, 15))["status"] == "present"
    assert judge_annual_report(links[1:], date(2024, 6, 15))["status"] == "wrong_year"
    assert judge_annual_report([], date(2024, 6, 15))["status"] == "missing"
    assert judge_annual_report([], date(2024, 1, 31))["status"] == "not_due"
    assert judge_annual_report([], date(2024, 2, 1))["due_year"] == 2023


def test_a_report_link_without_a_year_is_never_a_finding():
    links = find_report_links('<a href="/nb/">政府网站工作年度报表</a>', "http://www.a.gov.cn/")
    assert judge_annual_report(links, date(2024, 6, 15))["status"] == "year_unknown"


def test_chinese_numeral_year():
    links = find_report_links('<a href="/nb/">二〇二三年度政府网站工作年度报表</a>', "http://www.a.gov.cn/")
    assert links[0]["year"] == 2023
