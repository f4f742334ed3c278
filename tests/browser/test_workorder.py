"""From a confirmed finding to a closed work order, with the people who do it in life: the
inspector confirms a dead link found by a real inspection; the site's owner logs in, sees only
their own site (another site's page is a 404), fixes the link, answers with a reply and a PNG
proof; the platform's job thread re-checks the link over the network and closes the order."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request

from tests.browser.world import expect, host_and_path

OWNED = "9901020003"   # 白泉县商务局: one dead link on its homepage (a 404 page)
OTHER = "9901010001"   # 嘉安区人民政府: not the owner's


def _status_via_front(front_port: int, url: str) -> int:
    """What the re-check will see for `url` (through the same front the platform uses)."""
    host, path = host_and_path(url)
    req = urllib.request.Request(f"http://127.0.0.1:{front_port}{path}", headers={"Host": host})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:  # noqa: S310 - loopback
            return r.status
    except urllib.error.HTTPError as err:
        return err.code


def _wait_for_state(page, label: str, seconds: float = 45) -> None:  # type: ignore[no-untyped-def]
    """Reload the order until its state reads `label`: the re-check runs in serve's job thread,
    which pushes nothing to the page. Bounded in time; each round waits on the state cell."""
    state = page.locator("main table").first.locator("tr").nth(1).locator("td").nth(1)
    deadline = time.monotonic() + seconds
    while True:
        if state.inner_text().startswith(label):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"work order still {state.inner_text()!r} after {seconds}s, not {label}")
        page.wait_for_timeout(500)  # the job runner polls every 2 s; look again shortly
        page.reload()


def test_owner_answers_work_order_and_the_recheck_closes_it(login, world, shot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    results_path = world.inspect(OWNED)
    results = json.loads(results_path.read_text("utf-8"))
    site = results["sites"][0]
    finding = next(f for f in site["findings"] if f["indicator"] == "deduct.design.links_home_dead")
    [target] = sorted({d["target"] for d in site["dead_links"] if d["scope"] == "home"})
    assert _status_via_front(world.front.port, target) == 404  # really dead before the owner acts

    # An administrator lets re-checks of this site reach its (loopback) address.
    admin = login("admin")
    admin.goto(f"/sites/{world.site_id(OWNED)}/")
    admin.get_by_role("link", name="编辑").click()
    admin.get_by_label("允许复查访问内网地址").check()
    admin.get_by_role("button", name="保存").click()
    expect(admin.get_by_role("heading", name="白泉县商务局")).to_be_visible()

    # The inspector imports the inspection and confirms the dead link.
    inspector = login("moni")
    inspector.goto("/inspections/import/")
    inspector.get_by_label("检查结果（results.json）").set_input_files(str(results_path))
    inspector.get_by_label("批次名称").fill("2024年第二季度抽查（白泉县）")
    inspector.get_by_role("button", name="导入").click()
    expect(inspector.locator("main")).to_contain_text("导入 1 个网站的检查结果")
    inspector.goto(f"/sites/{world.site_id(OWNED)}/")
    inspector.get_by_role("link", name=finding["message"]).first.click()
    inspector.get_by_label("审核结论").select_option(label="确认问题，下发工单")
    inspector.get_by_role("button", name="提交审核").click()
    expect(inspector.locator("ul.messages")).to_contain_text("已确认并下发工单")
    inspector.get_by_role("link", name="查看整改工单").click()
    order_path = re.search(r"/workorders/\d+/$", inspector.url).group(0)  # type: ignore[union-attr]

    # The owner sees their own site only; another site's page does not exist for them.
    owner = login("swj_baiquan")
    owner.get_by_role("navigation").get_by_role("link", name="网站信息").click()
    expect(owner.locator("main table tbody tr")).to_have_count(1)
    expect(owner.locator("main table tbody tr")).to_contain_text("白泉县商务局")
    response = owner.goto(f"/sites/{world.site_id(OTHER)}/")
    assert response is not None and response.status == 404
    expect(owner.get_by_role("heading", name="页面不存在")).to_be_visible()
    expect(owner.locator("body")).not_to_contain_text("嘉安区")
    shot(owner, "not-found")

    # The owner finds the order in their list and answers it once the link is fixed.
    owner.get_by_role("navigation").get_by_role("link", name="整改工单").click()
    expect(owner.get_by_role("heading", name="整改工单", exact=True)).to_be_visible()
    orders = owner.locator("main table").first.locator("tbody tr")
    expect(orders.filter(has_text="白泉县商务局")).to_have_count(orders.count())
    owner.locator(f"a[href='{order_path}']").click()
    expect(owner.locator("main table").first).to_contain_text("待整改")
    expect(owner.locator("main")).to_contain_text(target)

    world.front.repair(target)  # the owner's web team restores the page
    proof = tmp_path / "整改后页面截图.png"
    proof.write_bytes(owner.screenshot())
    owner.get_by_label("整改说明").fill("已恢复首页链接指向的文章页面，经自查可正常访问。")
    owner.get_by_label("整改证明（PDF、图片或 Word，可选）").set_input_files(str(proof))
    owner.get_by_role("button", name="提交").click()
    expect(owner.locator("ul.messages")).to_have_text("整改情况已提交，系统将自动复查")

    _wait_for_state(owner, "已办结")
    summary = owner.locator("main table").first
    expect(summary).to_contain_text("复查通过，链接均可正常访问。")
    expect(summary).to_contain_text(f"{target}：HTTP 200")
    expect(summary).to_contain_text("已恢复首页链接指向的文章页面")
    assert (*host_and_path(target), 200) in world.front.requests  # the re-check really fetched the link again
    with owner.expect_download() as download:
        owner.get_by_role("link", name="下载整改证明").click()
    assert download.value.path().read_bytes() == proof.read_bytes()
    shot(owner, "workorder-detail")

    # The inspector sees it closed too.
    inspector.reload()
    expect(inspector.locator("main table").first).to_contain_text("已办结")
