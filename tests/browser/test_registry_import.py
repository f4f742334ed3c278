"""An inspector imports the city's site registry through the page: the good rows are registered,
the bad row is named with its reason, and importing the file again updates instead of adding."""

from __future__ import annotations

import re

from tests.browser.world import expect, registry_csv, registry_xlsx

# 宝鸡市's registry as the city sends it in; the 陇县 row has a letter O typed for a zero.
ROWS = [
    ["6103000001", "宝鸡市人民政府", "http://www.baoji.gov.cn/", "宝鸡市人民政府办公室", "宝鸡市", "是", "运行"],
    ["6103000015", "宝鸡市应急管理局", "http://yjj.baoji.gov.cn/", "宝鸡市应急管理局", "宝鸡市", "否", "运行"],
    ["6103000021", "宝鸡市教育局", "http://jyj.baoji.gov.cn/", "宝鸡市教育局", "宝鸡市", "否", "运行"],
    ["6103020001", "渭滨区人民政府", "http://www.weibin.gov.cn/", "渭滨区人民政府办公室", "陕西省宝鸡市渭滨区", "是", "运行"],
    ["6103030001", "金台区人民政府", "http://www.jintai.gov.cn/", "金台区人民政府办公室", "金台区", "是", "运行"],
    ["6103040001", "陈仓区人民政府", "http://www.chencang.gov.cn/", "陈仓区人民政府办公室", "陈仓区", "是", "运行"],
    ["61032700O1", "陇县人民政府", "http://www.longxian.gov.cn/", "陇县人民政府办公室", "陇县", "是", "运行"],
    ["6103230001", "岐山县人民政府", "http://www.qishan.gov.cn/", "岐山县人民政府办公室", "岐山县", "是", "运行"],
    ["6103240001", "扶风县人民政府", "http://www.fufeng.gov.cn/", "扶风县人民政府办公室", "610324", "是", "运行"],
    ["6103260001", "眉县人民政府", "www.meixian.gov.cn", "眉县人民政府办公室", "陕西省宝鸡市眉县", "是", "运行"],
]
GOOD = 9
BAD_ROW = 9  # the workbook's row number: a title row, the header row, then the 7th data row


def test_registry_import_registers_good_rows_and_names_the_bad_one(login, world, shot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    xlsx = tmp_path / "宝鸡市政府网站信息表.xlsx"
    xlsx.write_bytes(registry_xlsx(ROWS))
    page = login("baoji")

    page.get_by_role("navigation").get_by_role("link", name="网站信息").click()
    page.get_by_role("link", name="批量导入").click()
    expect(page.get_by_role("heading", name="批量导入网站")).to_be_visible()
    page.get_by_label("网站信息表（CSV 或 XLSX）").set_input_files(str(xlsx))
    page.get_by_role("button", name="导入").click()

    expect(page.locator("main")).to_contain_text(f"新增 {GOOD} 个网站，更新 0 个网站，1 行未导入。")
    errors = page.locator("main table tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.locator("td").first).to_have_text(f"第{BAD_ROW}行")
    expect(errors.locator("td").nth(1)).to_contain_text("61032700O1")
    shot(page, "registry-import")

    # The registered sites are listed, the bad one is not; the address without http:// was normalised.
    page.get_by_role("navigation").get_by_role("link", name="网站信息").click()
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(GOOD)
    expect(rows.filter(has_text="眉县人民政府")).to_contain_text("http://www.meixian.gov.cn/")
    expect(page.locator("main")).not_to_contain_text("陇县")
    shot(page, "site-list")

    # The same registry as a GBK CSV with a new organiser name updates the known site codes.
    changed = [r for r in ROWS if r[1] != "陇县人民政府"]
    changed[1] = [*changed[1][:3], "宝鸡市应急管理局办公室", *changed[1][4:]]
    csv_file = tmp_path / "宝鸡市政府网站信息表.csv"
    csv_file.write_bytes(registry_csv(changed))
    page.get_by_role("link", name="批量导入").click()
    page.get_by_label("网站信息表（CSV 或 XLSX）").set_input_files(str(csv_file))
    page.get_by_role("button", name="导入").click()
    expect(page.locator("main")).to_contain_text(f"新增 0 个网站，更新 {GOOD} 个网站。")

    page.get_by_role("navigation").get_by_role("link", name="网站信息").click()
    page.get_by_placeholder("网站名称、标识码或地址").fill("应急")
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"q=%E5%BA%94%E6%80%A5"))
    expect(page.locator("main table tbody tr")).to_have_count(1)
    expect(page.locator("main table tbody tr")).to_contain_text("宝鸡市应急管理局办公室")
