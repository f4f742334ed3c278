"""Campaigns from the platform on the simulated province served on loopback: started from the
page, run by the local job runner, imported for review; progress, cancel, interruption and
resume; each site's evidence (marked text, the captured response, scoped); review → re-score;
生成通报 (the DOCX read back); the dashboard's numbers."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from govinspect.platform.campaigns.evidence import seen_text
from govinspect.platform.campaigns.models import Campaign, CampaignSite, Publication, ReviewedScore
from govinspect.platform.jobs import recover_interrupted, run_pending
from govinspect.platform.orders.models import Finding, Job, WorkOrder
from govinspect.platform.registry.models import Region, Site
from tests.supervision.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# A finished engine run of the campaign below (its sites/ and attempts/), kept after the first
# test that really ran it, so later tests can start the same campaign and let the job resume it
# with nothing left to inspect (the resume path the platform uses after a crash or a cancel).
_RUNS: dict[tuple[str, ...], Path] = {}
_CACHE_ROOT = Path(__import__("tempfile").mkdtemp(prefix="govinspect-campaign-cache-"))
__import__("atexit").register(shutil.rmtree, _CACHE_ROOT, True)


@pytest.fixture
def moni(province) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The simulated province (3 sites) registered, a supervisor of it and an owner per site."""
    from govinspect.platform.accounts.models import User
    from govinspect.platform.sandbox_registry import register_sandbox

    assert register_sandbox(seed=1, n_sites=3) == 3
    sites = {s.site_code: s for s in Site.objects.filter(site_code__startswith="99")}
    users = {"moni": User.objects.create_user("moni", password=PASSWORD, role="supervisor",
                                               region=Region.objects.get(code="990000"))}
    for n, code in enumerate(sorted(sites), 1):
        owner = User.objects.create_user(f"owner{n}", password=PASSWORD, role="owner", email=f"owner{n}@example.gov.cn")
        owner.sites.set([sites[code]])
        users[code] = owner
    return {"sites": sites, "users": users, "region": Region.objects.get(code="990100")}


def client_for(user: Any) -> Client:
    """A fresh browser session logged in through the real login form."""
    client = Client()
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:300]
    return client


def start(client: Client, region: Region, **extra: Any) -> Campaign:
    """Submit the start form (two of the region's three sites, seed 7)."""
    form = {"name": "模拟省第二季度抽查", "mode": "region", "region": region.pk, "sample": "2", "seed": 7,
            "as_of": "", "profile": "gov2019", **extra}
    response = client.post("/campaigns/new/", form)
    assert response.status_code == 302, response.content.decode()[-2000:]
    return Campaign.objects.latest("id")


def finish(campaign: Campaign) -> Campaign:
    """Run the job; reuse an earlier real run of the same sample when there is one."""
    keys = tuple(CampaignSite.objects.filter(campaign=campaign).order_by("key").values_list("key", flat=True))
    cached = _RUNS.get(keys)
    if cached is not None:
        for part in ("sites", "attempts"):
            shutil.copytree(cached / part, campaign.run_dir / part, dirs_exist_ok=True)
    assert run_pending() >= 1
    campaign.refresh_from_db()
    assert campaign.state == "done", campaign.message
    if cached is None:
        target = _CACHE_ROOT / str(len(_RUNS))
        for part in ("sites", "attempts"):
            shutil.copytree(campaign.run_dir / part, target / part)
        _RUNS[keys] = target
    return campaign


def test_campaign_started_from_the_page_runs_in_the_background_and_is_imported(moni) -> None:  # type: ignore[no-untyped-def]
    client = client_for(moni["users"]["moni"])
    page = client.get("/campaigns/new/").content.decode()
    assert 'id="start-campaign"' in page and 'name="sample"' in page and "云溪市" in page
    campaign = start(client, moni["region"])
    assert (campaign.state, campaign.total, campaign.sandbox) == ("queued", 2, True)
    assert timezone.localtime(campaign.as_of).date() == dt.date(2024, 6, 15)  # the province's own date when T is left empty
    queued = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert 'http-equiv="refresh"' in queued and "排队中" in queued and 'id="cancel-campaign"' in queued
    assert '<b id="progress-done">0</b> / <b id="progress-total">2</b>' in queued

    keys = set(CampaignSite.objects.filter(campaign=campaign).values_list("key", flat=True))
    finish(campaign)
    assert campaign.finished == 2 and campaign.imported_at is not None
    assert {p.stem for p in (campaign.run_dir / "sites").glob("*.json")} == keys
    rows = list(CampaignSite.objects.filter(campaign=campaign).select_related("inspection"))
    assert all(cs.done and cs.inspection is not None for cs in rows)
    assert all(cs.inspection.run == campaign.label for cs in rows)
    assert Finding.objects.filter(inspection__campaign_site__campaign=campaign, state="pending").count() > 0
    assert ReviewedScore.objects.filter(inspection__campaign_site__campaign=campaign).count() == 2
    done = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert 'http-equiv="refresh"' not in done and "已完成" in done
    assert '<b id="progress-done">2</b> / <b id="progress-total">2</b>' in done
    assert 'id="publish-link"' in done and 'id="rescore"' in done
    assert Job.objects.get(pk=campaign.job_id).state == "done"


def test_each_site_shows_its_evidence_marked_and_the_captured_response_scoped(moni) -> None:  # type: ignore[no-untyped-def]
    from warcio.archiveiterator import ArchiveIterator

    campaign = finish(start(client_for(moni["users"]["moni"]), moni["region"]))
    link = Finding.objects.filter(inspection__campaign_site__campaign=campaign,
                                  indicator="deduct.design.links_other_dead").select_related("site").first()
    assert link is not None
    cs = CampaignSite.objects.get(campaign=campaign, site=link.site)
    owner = client_for(moni["users"][link.site.site_code])
    assert owner.get(f"/campaigns/{campaign.pk}/").status_code == 404  # owners see no campaign …
    assert owner.get(f"/campaigns/{campaign.pk}/sites/{cs.pk}/").status_code == 200  # … but their site's results
    supervisor = client_for(moni["users"]["moni"])
    body = supervisor.get(f"/campaigns/{campaign.pk}/sites/{cs.pk}/").content.decode()
    first = link.evidence[0]
    target = first["detail"].split()[1].split("（")[0]  # "失效链接 <target>（…）"
    assert f"<mark>{target}</mark>" in body and first["url"] in body and seen_text(first["seen_at"]) in body
    assert f"/findings/{link.pk}/evidence/0/" in body

    shown = owner.get(f"/findings/{link.pk}/evidence/0/")  # the site's owner may check the evidence
    assert shown.status_code == 200
    assert shown["Content-Security-Policy"].startswith("sandbox")
    assert shown["Content-Type"].startswith("text/html") and b"<html" in shown.content.lower()
    record = owner.get(f"/findings/{link.pk}/evidence/0/?download=1")
    assert record.status_code == 200 and "attachment" in record["Content-Disposition"]
    warc = next(iter(ArchiveIterator(io.BytesIO(record.content))))
    assert warc.rec_type == "response" and warc.rec_headers.get_header("WARC-Target-URI") in (
        first["url"], first["url"].rstrip("/") + "/")
    other_code = next(c for c in moni["sites"] if c != link.site.site_code)
    other = client_for(moni["users"][other_code])
    assert other.get(f"/campaigns/{campaign.pk}/sites/{cs.pk}/").status_code == 404
    assert other.get(f"/findings/{link.pk}/evidence/0/").status_code == 404
    assert other.get(f"/findings/{link.pk}/evidence/0/?download=1").status_code == 404
    assert supervisor.get(f"/findings/{link.pk}/evidence/999/").status_code == 404


def test_review_then_rescore_changes_the_score_shown_before_and_after(moni) -> None:  # type: ignore[no-untyped-def]
    campaign = finish(start(client_for(moni["users"]["moni"]), moni["region"]))
    client = client_for(moni["users"]["moni"])
    vetoed = next(cs for cs in CampaignSite.objects.filter(campaign=campaign).select_related("inspection")
                  if cs.inspection.verdict == "fail" and cs.inspection.score is None)
    before = ReviewedScore.objects.get(inspection=vetoed.inspection)
    assert (before.verdict, before.score) == ("fail", None)  # nothing reviewed yet: as the engine said
    for f in vetoed.inspection.findings.filter(veto=True):
        response = client.post(f"/findings/{f.pk}/", {"decision": "dismiss", "reason": "人工核实：栏目已正常更新"})
        assert response.status_code == 302
    one = vetoed.inspection.findings.filter(veto=False).first()
    if one is not None:
        client.post(f"/findings/{one.pk}/", {"decision": "confirm", "reason": "属实"})
    assert client.post(f"/campaigns/{campaign.pk}/rescore/").status_code == 302
    after = ReviewedScore.objects.get(inspection=vetoed.inspection)
    assert after.score is not None and after.verdict in ("pass", "fail") and after.vetoes == []
    assert after.counts["dismissed"] == vetoed.inspection.findings.filter(veto=True).count()
    assert all(not f.get("veto") for f in after.site["findings"])
    assert len(after.site["dismissed"]) == after.counts["dismissed"]
    vetoed.inspection.refresh_from_db()
    assert vetoed.inspection.score is None  # the engine's own result is kept as "before"
    page = client.get(f"/campaigns/{campaign.pk}/sites/{vetoed.pk}/").content.decode()
    assert "不合格" in page.split('id="verdict-before"')[1].split("</td>")[0]
    assert f"{after.score}分" in page.split('id="verdict-after"')[1].split("</td>")[0]


def _docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_publish_writes_the_bulletin_naming_the_failing_site_with_previous_comparison(moni, province) -> None:  # type: ignore[no-untyped-def]
    supervisor = client_for(moni["users"]["moni"])
    campaign = finish(start(supervisor, moni["region"]))
    form = supervisor.get(f"/campaigns/{campaign.pk}/publish/").content.decode()
    assert 'id="publish-bulletin"' in form and "尚有" in form and "不作环比" in form
    response = supervisor.post(f"/campaigns/{campaign.pk}/publish/",
                               {"issuer": "模拟省人民政府办公厅", "title": "", "date": "2024-06-28", "scope": "全省"})
    assert response.status_code == 302
    pub = Publication.objects.get(campaign=campaign)
    failing = [cs.site for cs in CampaignSite.objects.filter(campaign=campaign).select_related("inspection__reviewed", "site")
               if cs.inspection.reviewed.verdict == "fail"]
    assert failing and pub.totals["failed"] == len(failing) and pub.previous is None
    docx = supervisor.get(f"/publications/{pub.pk}/docx/")
    assert docx.status_code == 200 and "attachment" in docx["Content-Disposition"]
    text = _docx_text(docx.content)
    assert "模拟省人民政府办公厅" in text and pub.title in text and "2024年6月15日" in text  # T, in Beijing time
    assert all(site.name in text for site in failing)
    html = supervisor.get(f"/publications/{pub.pk}/html/")
    assert html["Content-Security-Policy"].startswith("sandbox")
    assert {p.name for p in pub.directory.iterdir()} >= {"bulletin.docx", "bulletin.xlsx", "bulletin.html", "sites.json"}

    # The published 通报 is public to the owners of the sites it inspected, not to other owners.
    named = moni["users"][failing[0].site_code]
    assert client_for(named).get(f"/publications/{pub.pk}/docx/").status_code == 200
    assert client_for(province.users["fufeng"]).get(f"/publications/{pub.pk}/docx/").status_code == 404
    assert client_for(province.users["baoji"]).get(f"/publications/{pub.pk}/xlsx/").status_code == 404

    # A later campaign of the region compares with this one (环比) and names the repeat failures.
    later = finish(start(supervisor, moni["region"], name="模拟省第三季度抽查", as_of="2024-09-15"))
    supervisor.post(f"/campaigns/{later.pk}/publish/", {"issuer": "模拟省人民政府办公厅", "date": "2024-09-28"})
    second = Publication.objects.get(campaign=later)
    assert second.previous == pub
    text = _docx_text((second.directory / "bulletin.docx").read_bytes())
    assert "再次被通报" in text


def test_title_typed_in_the_form_is_printed_as_is_never_run_as_template(moni) -> None:  # type: ignore[no-untyped-def]
    supervisor = client_for(moni["users"]["moni"])
    campaign = finish(start(supervisor, moni["region"]))
    title = "关于{{ issuer }}网站抽查情况的通报{% raw %}"
    supervisor.post(f"/campaigns/{campaign.pk}/publish/", {"issuer": "模拟省政务公开办", "title": title,
                                                           "date": "2024-06-28"})
    pub = Publication.objects.get(campaign=campaign)
    assert pub.title == title and title in _docx_text((pub.directory / "bulletin.docx").read_bytes())


def test_cancel_stops_the_campaign_and_resume_completes_it(moni) -> None:  # type: ignore[no-untyped-def]
    client = client_for(moni["users"]["moni"])
    campaign = start(client, moni["region"])
    assert client.post(f"/campaigns/{campaign.pk}/cancel/").status_code == 302
    assert run_pending() == 1
    campaign.refresh_from_db()
    assert campaign.state == "cancelled" and campaign.imported_at is None
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "已取消" in page and 'id="resume-campaign"' in page and 'http-equiv="refresh"' not in page
    assert client.post(f"/campaigns/{campaign.pk}/resume/").status_code == 302
    campaign.refresh_from_db()
    assert campaign.state == "queued" and not campaign.cancel_requested
    finish(campaign)
    assert CampaignSite.objects.filter(campaign=campaign, inspection__isnull=False).count() == 2


def test_an_interrupted_campaign_is_marked_and_resumes_only_the_unfinished_site(moni) -> None:  # type: ignore[no-untyped-def]
    client = client_for(moni["users"]["moni"])
    campaign = start(client, moni["region"])
    keys = sorted(CampaignSite.objects.filter(campaign=campaign).values_list("key", flat=True))
    cached = _RUNS.get(tuple(keys))
    if cached is None:  # run alone: make the finished run first
        finish(start(client, moni["region"]))
        cached = _RUNS[tuple(keys)]
    # The crash came after the first site was written: only its file and evidence are on disk.
    (campaign.run_dir / "sites").mkdir(parents=True, exist_ok=True)
    shutil.copy(cached / "sites" / f"{keys[0]}.json", campaign.run_dir / "sites" / f"{keys[0]}.json")
    shutil.copytree(cached / "attempts", campaign.run_dir / "attempts")
    Job.objects.filter(pk=campaign.job_id).update(state="running")
    Campaign.objects.filter(pk=campaign.pk).update(state="running", finished=1)
    recover_interrupted()  # what `serve` does when it starts again
    campaign.refresh_from_db()
    assert campaign.state == "interrupted" and Job.objects.get(pk=campaign.job_id).state == "failed"
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "已中断" in page and 'id="resume-campaign"' in page
    first_file = (campaign.run_dir / "sites" / f"{keys[0]}.json").read_bytes()
    client.post(f"/campaigns/{campaign.pk}/resume/")
    assert run_pending() == 1
    campaign.refresh_from_db()
    assert campaign.state == "done" and campaign.finished == 2
    assert (campaign.run_dir / "sites" / f"{keys[0]}.json").read_bytes() == first_file  # not inspected again
    attempts = sorted(p.name for p in (campaign.run_dir / "attempts").iterdir())
    assert len(attempts) == 2  # the copied one, and one new attempt for the other site only
    evidence = list((campaign.run_dir / "attempts" / attempts[-1] / "evidence").glob("*.warc.gz"))
    assert [p.name.split(".")[0] for p in evidence] == [keys[1]]


def test_dashboard_shows_the_numbers_of_what_was_created(moni) -> None:  # type: ignore[no-untyped-def]
    from govinspect.platform.orders import actions
    from govinspect.platform.reports.models import ErrorReport

    supervisor_user = moni["users"]["moni"]
    campaign = finish(start(client_for(supervisor_user), moni["region"]))
    results = list(CampaignSite.objects.filter(campaign=campaign).select_related("inspection__reviewed", "site"))
    failing = sorted(cs.site.name for cs in results if cs.inspection.reviewed.verdict == "fail")
    passed = sum(cs.inspection.reviewed.verdict == "pass" for cs in results)
    unscored = sum(cs.inspection.reviewed.verdict == "" for cs in results)
    findings = list(Finding.objects.filter(inspection__campaign_site__campaign=campaign)[:2])
    orders = [actions.confirm(f, supervisor_user) for f in findings]
    WorkOrder.objects.filter(pk=orders[0].pk).update(deadline=dt.date(2024, 1, 2))  # long overdue
    site = results[0].site
    today = dt.date.today()
    ErrorReport.objects.create(site=site, category="dead_link", description="链接打不开", reply_deadline=today,
                               state="replied", replied_at=dt.datetime.now(dt.timezone.utc), reply="已修复")

    page = client_for(supervisor_user).get("/dashboard/")
    board = page.context["board"]
    row = next(r for r in board.rows if r.region.code == "990100")
    assert row.sites == 3 and row.campaign == campaign
    assert (row.counts.passed, row.counts.failed, row.counts.unscored) == (passed, len(failing), unscored)
    assert sorted(s.name for s in row.failing) == failing
    assert (row.open_orders, row.overdue_orders) == (2, 1)
    assert row.zhaocuo_rate == 1.0 and row.availability is None
    assert [p.campaign for p in board.trend] == [campaign]
    body = page.content.decode()
    assert 'id="chart-trend"' in body and "<svg" in body and "<script" not in body
    for name in failing:
        assert name in body.split('id="region-990100"')[1].split("</tr>")[0]
    # Another city's supervisor sees neither the campaign nor its numbers.
    other = client_for(moni["users"]["moni"].__class__.objects.get(username="baoji"))
    assert other.get(f"/campaigns/{campaign.pk}/").status_code == 404
    assert all(r.campaign is None for r in other.get("/dashboard/").context["board"].rows)


def test_starting_needs_the_right_role_and_a_usable_sample(moni, province) -> None:  # type: ignore[no-untyped-def]
    owner = client_for(moni["users"][sorted(moni["sites"])[0]])
    assert owner.get("/campaigns/new/").status_code == 403
    supervisor = client_for(moni["users"]["moni"])
    response = supervisor.post("/campaigns/new/", {"mode": "region", "region": moni["region"].pk, "sample": "半数",
                                                   "seed": 0, "profile": "gov2019"})
    assert response.status_code == 200 and "抽样应为百分比" in response.content.decode()
    baoji = client_for(province.users["baoji"])
    response = baoji.post("/campaigns/new/", {"mode": "region", "region": moni["region"].pk, "seed": 0,
                                              "profile": "gov2019"})
    assert response.status_code == 200 and Campaign.objects.count() == 0  # not a choice outside the scope


def test_real_sites_keep_the_address_guard_unless_the_site_is_allowed(province, login) -> None:  # type: ignore[no-untyped-def]
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class County(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            page = self.path in ("/", "/news/")
            body = ('<html><head><meta charset="utf-8"><title>县政府</title></head><body>'
                    '<a href="/news/">新闻</a><a href="/gone.html">旧文件</a></body></html>' if page else "无此页面")
            self.send_response(200 if page else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args: object) -> None:
            pass

    servers = [ThreadingHTTPServer(("127.0.0.1", 0), County) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        Site.objects.filter(region__code__startswith="6103").update(status="closed")  # nothing real is fetched
        weibin, fufeng = province.sites["6103020001"], province.sites["6103240001"]
        for site, server, allowed in ((weibin, servers[0], True), (fufeng, servers[1], False)):
            Site.objects.filter(pk=site.pk).update(status="running", allow_private=allowed,
                                                   url=f"http://127.0.0.1:{server.server_address[1]}/")
        client = login(province.users["baoji"])
        response = client.post("/campaigns/new/", {"mode": "region", "region": Region.objects.get(code="610300").pk,
                                                   "seed": 0, "as_of": "2024-06-15", "profile": "gov2019"})
        assert response.status_code == 302, response.content.decode()[-1500:]
        campaign = Campaign.objects.get()
        assert (campaign.total, campaign.sandbox) == (2, False)
        assert run_pending() == 1
        campaign.refresh_from_db()
        assert campaign.state == "done" and campaign.errors == 1
        allowed = CampaignSite.objects.get(campaign=campaign, site=weibin).inspection
        refused = CampaignSite.objects.get(campaign=campaign, site=fufeng).inspection
        assert allowed.status == "inspected" and allowed.pages >= 2
        assert any(d["target"].endswith("/gone.html") for d in allowed.raw["dead_links"])
        assert refused.status == "error" and refused.pages == 0 and "内网地址" in refused.error
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
