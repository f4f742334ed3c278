"""An inspector imports the results.json of a real inspection of a simulated site and reviews its
findings: confirming one issues a work order with a working-day deadline, dismissing one needs a
reason and keeps it."""

from __future__ import annotations

import json
import re

from tests.browser.world import expect

SITE = "9901010001"  # 嘉安区人民政府: dead links, a hidden spam link, no IPv6 …


def _finding(results: dict, indicator: str) -> dict:  # type: ignore[type-arg]
    found = [f for s in results["sites"] for f in s["findings"] if f["indicator"] == indicator]
    assert len(found) == 1, f"{indicator} not in the inspection's findings"
    return found[0]


def test_inspector_imports_results_confirms_one_finding_and_dismisses_another(login, world, shot) -> None:  # type: ignore[no-untyped-def]
    results_path = world.inspect(SITE)
    results = json.loads(results_path.read_text("utf-8"))
    dead = _finding(results, "deduct.design.links_other_dead")
    ipv6 = _finding(results, "deduct.design.ipv6")
    total = sum(len(s["findings"]) for s in results["sites"])

    page = login("moni")
    page.get_by_role("navigation").get_by_role("link", name="检查结果").click()
    page.get_by_role("link", name="导入检查结果（results.json）").click()
    page.get_by_label("检查结果（results.json）").set_input_files(str(results_path))
    page.get_by_label("批次名称").fill("2024年第二季度抽查（嘉安区）")
    page.get_by_role("button", name="导入").click()
    expect(page.locator("main")).to_contain_text(f"导入 1 个网站的检查结果，{total} 个问题（其中 0 个属于白名单）。")
    shot(page, "results-import")

    # The inspection is listed under the site, scored as the engine scored it.
    page.get_by_role("navigation").get_by_role("link", name="检查结果").click()
    row = page.locator("main table tbody tr").filter(has_text="2024年第二季度抽查（嘉安区）")
    expect(row).to_contain_text("嘉安区人民政府")
    expect(row).to_contain_text("不合格" if results["sites"][0]["verdict"] == "fail" else "合格")
    row.get_by_role("link", name="嘉安区人民政府").click()
    expect(page.get_by_role("heading", name="嘉安区人民政府")).to_be_visible()

    # Confirm the dead links: the evidence names the pages and the failing links.
    page.get_by_role("link", name=dead["message"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"嘉安区人民政府：{dead['message']}")
    evidence = page.locator("main table").nth(1)
    for item in dead["evidence"]:
        expect(evidence).to_contain_text(item["url"])
    expect(page.locator("main")).to_contain_text("待审核")
    page.get_by_label("审核结论").select_option(label="确认问题，下发工单")
    page.get_by_label("审核意见").fill("经核实，附件链接失效，请于期限内整改。")
    shot(page, "finding-review")
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator("ul.messages")).to_contain_text(re.compile(r"已确认并下发工单，整改期限 \d{4}-\d{2}-\d{2}"))
    expect(page.locator("main table").first).to_contain_text("已确认")
    page.get_by_role("link", name="查看整改工单").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("嘉安区人民政府")
    expect(page.locator("main table").first).to_contain_text("待整改")
    expect(page.locator("main table").first).to_contain_text("其他问题")

    # Dismissing without a reason is refused, with the reason why; with one it is kept.
    page.goto(f"/sites/{world.site_id(SITE)}/")
    page.get_by_role("link", name=ipv6["message"]).click()
    page.get_by_label("审核结论").select_option(label="驳回（误报）")
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator("main form")).to_contain_text("驳回必须填写理由")
    page.get_by_label("审核结论").select_option(label="驳回（误报）")
    page.get_by_label("审核意见").fill("该区网站已于6月10日开通IPv6，检查时解析记录尚未生效。")
    page.get_by_role("button", name="提交审核").click()
    expect(page.locator("ul.messages")).to_have_text("已驳回")
    expect(page.locator("main table").first).to_contain_text("已驳回")
    expect(page.locator("main table").first).to_contain_text("该区网站已于6月10日开通IPv6")
    expect(page.locator("main form")).to_have_count(0)  # reviewed once, no second decision

    # The dismissed finding leaves the site's list; the confirmed one stays.
    page.goto(f"/sites/{world.site_id(SITE)}/")
    expect(page.locator("main")).not_to_contain_text(ipv6["message"])
    expect(page.get_by_role("link", name=dead["message"])).to_be_visible()
    page.get_by_role("link", name="政府网站监管平台").click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("未办结工单"))).to_contain_text(re.compile(r"[1-9]\d*"))
    shot(page, "home")
