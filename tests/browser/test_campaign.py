"""An inspector runs a campaign on the simulated province from the pages and publishes the 通报:
starts a sampled campaign of a county, watches it finish (the page refreshes itself), reviews
a finding of a site, re-scores, and publishes; the 通报 downloads as a Word document naming the
issuer."""

from __future__ import annotations

import io
import re
import zipfile

from tests.browser.world import expect

CAMPAIGN = "模拟省2024年第二季度政府网站抽查"
ISSUER = "模拟省人民政府办公厅"


def test_inspector_runs_a_campaign_reviews_and_publishes_the_bulletin(login, shot) -> None:  # type: ignore[no-untyped-def]
    page = login("moni")
    page.goto("/campaigns/new/")
    form = page.locator("#start-campaign")
    form.get_by_label("批次名称").fill(CAMPAIGN)
    form.locator("select[name=region]").select_option(label="模拟省云溪市白泉县")
    form.get_by_label("抽样").fill("2")
    form.get_by_label("随机种子").fill("7")
    shot(page, "campaign-new")
    page.locator("#start-campaign-submit").click()

    expect(page.get_by_role("heading", name=CAMPAIGN)).to_be_visible()
    expect(page.locator("#progress-total")).to_have_text("2")
    # The page refreshes itself every 3 s while the job runs; wait for the finished state.
    expect(page.locator("#campaign-progress")).to_have_attribute("data-state", "done", timeout=120_000)
    expect(page.locator("#progress-done")).to_have_text("2")
    sites = page.locator("#campaign-sites tbody tr")
    expect(sites).to_have_count(2)
    expect(sites.first).to_contain_text("已检查")
    shot(page, "campaign-detail")

    # Review one finding of the first site: confirmed, so it stays counted in the re-score.
    sites.first.get_by_role("link").click()
    page.locator("main a[href^='/findings/']").first.click()
    page.locator("#review-finding").get_by_label("审核结论").select_option(label="确认问题，下发工单")
    page.locator("#review-finding").get_by_role("button").click()
    expect(page.locator("ul.messages")).to_contain_text("已确认并下发工单")

    page.goto("/campaigns/")
    page.get_by_role("link", name=CAMPAIGN).first.click()
    page.locator("#rescore").click()
    expect(page.locator("#campaign-sites tbody tr td.after").first).not_to_be_empty()

    page.locator("#publish-link").click()
    publish = page.locator("#publish-bulletin")
    publish.get_by_label("发文机关").fill(ISSUER)
    publish.get_by_label("成文日期").fill("2024-06-28")
    publish.get_by_label("范围用语").fill("全省")
    publish.get_by_role("button").click()

    row = page.locator("#publications tbody tr").first
    expect(row).to_contain_text("2024-06-28")
    with page.expect_download() as download:
        row.locator("a.download-docx").click()
    body = download.value.path().read_bytes()
    with zipfile.ZipFile(io.BytesIO(body)) as docx:
        text = re.sub(r"<[^>]+>", "", docx.read("word/document.xml").decode("utf-8"))
    assert ISSUER in text and "2024年6月15日" in text  # the issuer typed, T of the campaign
    shot(page, "campaign-published")

    # The dashboard now shows the campaign as the latest of its region.
    page.goto("/dashboard/")
    expect(page.locator("#dashboard-regions")).to_contain_text(CAMPAIGN)
    shot(page, "dashboard")
