"""我为政府网站找错 in a browser: a citizen, not logged in, files a report and gets a 查询码; the
site's owner finds it in their list and answers; the citizen reads the answer with the code."""

from __future__ import annotations

import re
import time

from tests.browser.world import expect

SITE = "9901020003"  # 白泉县商务局
MIN_FILL_SECONDS = 3.2  # the form refuses submissions faster than 3 s (reports/forms.py)


def test_citizen_files_a_report_and_the_owner_answers_it(new_page, login, world, shot) -> None:  # type: ignore[no-untyped-def]
    citizen = new_page()
    citizen.goto(f"/zhaocuo/{SITE}/")
    opened = time.monotonic()
    expect(citizen.get_by_role("heading", name="我为政府网站找错")).to_be_visible()
    expect(citizen.locator("main")).to_contain_text(f"网站：白泉县商务局（{SITE}）")
    expect(citizen.locator("header nav")).to_have_count(0)  # no menu for the public
    expect(citizen.locator("label[for=id_category]")).to_have_text("问题类型：")  # a full-width colon
    citizen.get_by_label("问题类型").select_option(label="链接无法访问")
    citizen.get_by_label("问题页面地址").fill("http://swj.baiquan.gov.cn/zwgk/tzgg/")
    citizen.get_by_label("问题描述").fill("通知公告栏目中《关于开展2024年消费促进月活动的通知》点击后显示页面不存在。")
    citizen.get_by_label("您的称呼（可不填）").fill("王先生")
    citizen.get_by_label("联系电话或邮箱（可不填，用于答复）").fill("13800000000")
    expect(citizen.locator(".hp input")).not_to_be_in_viewport()  # the honeypot is off-screen for people
    shot(citizen, "zhaocuo-form")
    # A person needs more than 3 s to read and fill the form; the server refuses faster posts.
    citizen.wait_for_timeout(max(0.0, MIN_FILL_SECONDS - (time.monotonic() - opened)) * 1000)
    citizen.get_by_role("button", name="提交").click()

    expect(citizen.get_by_role("heading", name="感谢您的反映")).to_be_visible()
    ticket = citizen.locator("main b").first.inner_text()
    assert re.fullmatch(r"[A-Z0-9]{6,16}", ticket), ticket
    expect(citizen.locator("main")).to_contain_text(re.compile(r"答复期限：\d{4}年\d{1,2}月\d{1,2}日"))

    owner = login("swj_baiquan")
    expect(owner.get_by_role("link", name=re.compile("待答复找错留言"))).to_contain_text(re.compile(r"[1-9]"))
    owner.get_by_role("navigation").get_by_role("link", name="找错留言").click()
    row = owner.locator("main table tbody tr").filter(has_text=ticket)
    expect(row).to_contain_text("白泉县商务局")
    expect(row).to_contain_text("链接无法访问")
    expect(row).to_contain_text("已转办")
    shot(owner, "zhaocuo-list")
    row.get_by_role("link", name=ticket).click()
    expect(owner.locator("main")).to_contain_text("点击后显示页面不存在")
    expect(owner.locator("main")).to_contain_text("13800000000")
    owner.get_by_label("答复内容").fill("感谢您的反映。该文章页面已恢复，可正常访问。")
    owner.get_by_role("button", name="提交答复").click()
    expect(owner.locator("ul.messages")).to_have_text("已答复")
    expect(owner.locator("main table")).to_contain_text("已答复")

    # The citizen's 查询 page shows the answer, and nothing personal.
    citizen.get_by_role("link", name="查看处理情况").click()
    expect(citizen.get_by_role("heading", name="留言处理情况")).to_be_visible()
    expect(citizen.locator("main")).to_contain_text("状态：已答复")
    expect(citizen.locator("main")).to_contain_text("该文章页面已恢复")
    expect(citizen.locator("main")).not_to_contain_text("13800000000")
    expect(citizen.locator("main")).not_to_contain_text("王先生")
