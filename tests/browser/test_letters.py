"""Test letters (互动回应专项检查) in a browser: the inspector records the letters sent and their
replies; the page gives the 附件3 table with working-day reply times (the 2024 端午 holiday
counted) and the 通报's summary sentence."""

from __future__ import annotations

from tests.browser.world import expect

CAMPAIGN = "2024年第二季度互动回应检查"
LETTERS = [
    # site, subject, sent, replied
    ("云溪市人民政府（9901000001）", "咨询城乡居民医保缴费时间", "2024-06-03", "2024-06-03"),
    ("嘉安区人民政府（9901010001）", "咨询小区加装电梯补贴申请条件", "2024-06-03", "2024-06-05"),
    ("白泉县人民政府（9901020001）", "反映乡村道路路灯损坏", "2024-06-03", "2024-06-14"),
]


def test_inspector_records_letters_and_gets_the_attachment_3_table(login, shot) -> None:  # type: ignore[no-untyped-def]
    page = login("moni")
    for site, subject, sent, replied in LETTERS:
        page.get_by_role("navigation").get_by_role("link", name="测试信件").click()
        page.get_by_role("link", name="登记测试信件").click()
        page.get_by_label("网站").select_option(label=site)
        page.get_by_label("检查批次").fill(CAMPAIGN)
        page.get_by_label("信件标题").fill(subject)
        page.get_by_label("发送日期").fill(sent)
        page.get_by_label("回复日期").fill(replied)
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_role("heading", name="互动回应检查情况（测试信件）")).to_be_visible()

    page.get_by_placeholder("检查批次").fill(CAMPAIGN)
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("main")).to_contain_text("共检查3家网站，2家网站的测试信件能做到按时回复，其中1家网站做到当日回复。")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="云溪市人民政府")).to_contain_text("当日回复")
    # 6月3日 to 6月14日: 10 days less two weekends' days and the 端午 holiday on 6月10日 = 8.
    late = rows.filter(has_text="白泉县人民政府")
    expect(late.locator("td").nth(6)).to_have_text("8")
    expect(late.locator("td").nth(8)).to_have_text("超过5个工作日回复")
    expect(rows.filter(has_text="嘉安区人民政府").locator("td").nth(7)).to_have_text("是")
    shot(page, "letters")

    with page.expect_download() as download:
        page.get_by_role("link", name="导出 XLSX（附件3格式）").click()
    assert download.value.suggested_filename == "互动回应检查情况.xlsx"
    from openpyxl import load_workbook

    with open(download.value.path(), "rb") as fh:  # a download is stored without its extension
        sheet = load_workbook(fh).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any(row[1] == "白泉县人民政府" and row[8] == "超过5个工作日回复" for row in values if len(row) > 8)
