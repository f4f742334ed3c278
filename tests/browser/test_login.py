"""Signing in and out in a real browser: a wrong password is refused with the reason on the page,
the right one leads to the 工作台, logging out ends the session."""

from __future__ import annotations

import re

from tests.browser.world import PASSWORD, expect


def test_wrong_password_shows_the_error_then_login_and_logout_work(new_page, shot) -> None:  # type: ignore[no-untyped-def]
    page = new_page()
    page.goto("/sites/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/sites/$"))  # pages need a login
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    shot(page, "login")

    page.get_by_label("用户名").fill("moni")
    page.get_by_label("密码").fill("Jiancha2024no")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("p.error")).to_have_text("用户名或密码错误。")
    expect(page.get_by_label("用户名")).to_have_value("moni")  # the name is kept, the password not
    expect(page.get_by_label("密码")).to_have_value("")

    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/sites/$"))  # back where the user was going
    expect(page.get_by_role("heading", name="网站信息")).to_be_visible()
    expect(page.locator("header .who")).to_contain_text("moni（监管人员）")

    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))  # the session is gone
