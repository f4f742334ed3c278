"""Campaigns in the REST API: start one with a token (same validation and scope as the page) and
the job is queued in the long lane; the list and detail with progress, counts, scores before
and after review and the 通报's download URLs; the findings through ?campaign=; scopes (another
city's supervisor 404, an owner only their own site's rows); anonymous refused; the schema."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from govinspect.platform.campaigns.models import Campaign, CampaignSite
from govinspect.platform.campaigns.publish import publish
from govinspect.platform.campaigns.review import rescore_campaign
from govinspect.platform.orders import actions
from govinspect.platform.orders.models import Finding, Job
from govinspect.platform.orders.results_import import import_results
from tests.supervision.helpers import HOMEPAGE_VETO, run, site_result

pytestmark = pytest.mark.django_db


def _auth(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def _start(client: Any, user: Any, **body: Any) -> Any:
    return client.post("/api/campaigns/", body, content_type="application/json", **_auth(user))


def _finish(campaign: Campaign, admin: Any) -> None:
    """What the campaign job ends with, from results.json rows instead of a crawl: the sites'
    results imported under the campaign's label, linked, the campaign done and scored."""
    gone = [(f"http://www.weibin.gov.cn/a{n}.html", f"http://www.weibin.gov.cn/gone{n}.html") for n in range(30)]
    dead = {"6103020001": gone}
    sites = []
    for cs in CampaignSite.objects.filter(campaign=campaign).select_related("site"):
        extra = [HOMEPAGE_VETO] if cs.site.site_code == "6103240001" else []
        sites.append(site_result(cs.site.site_code, cs.site.url, dead=dead.get(cs.site.site_code, []),
                                 extra_findings=extra))
    import_results(run(*sites), admin, campaign.label)
    for cs in CampaignSite.objects.filter(campaign=campaign).select_related("site"):
        cs.inspection = cs.site.inspections.get(run=campaign.label)
        cs.done = True
        cs.save()
    Campaign.objects.filter(pk=campaign.pk).update(state="done", finished=len(sites), imported_at=timezone.now(),
                                                   finished_at=timezone.now())
    campaign.refresh_from_db()
    # Nothing reviewed yet: the engine's own scoring gives the verdict and score before review.
    rescore_campaign(campaign)
    for cs in CampaignSite.objects.filter(campaign=campaign).select_related("inspection__reviewed"):
        cs.inspection.verdict, cs.inspection.score = cs.inspection.reviewed.verdict, cs.inspection.reviewed.score
        cs.inspection.save()


def test_start_by_api_queues_the_campaign_job_in_the_long_lane(province, client) -> None:  # type: ignore[no-untyped-def]
    reviewer = province.users["shaanxi_reviewer"]
    response = _start(client, reviewer, name="宝鸡市2024年第二季度抽查", region="610300", sample="50%", seed=7,
                      as_of="2024-06-15")
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    campaign = Campaign.objects.get(pk=body["id"])
    assert (body["state"], body["view"], body["region"], body["sample"]) == ("queued", "whole", "610300", "50%")
    assert body["job"] == {"id": campaign.job_id, "state": "queued", "lane": "long"}
    assert Job.objects.get(pk=campaign.job_id).kind == "campaign"
    assert body["progress"]["total"] == 2 == CampaignSite.objects.filter(campaign=campaign).count()  # 50% of 4
    assert len(body["sites"]) == 2 and {s["state"] for s in body["sites"]} == {"pending"}
    assert body["findings_url"].endswith(f"/api/findings/?campaign={campaign.pk}")
    assert timezone.localtime(campaign.as_of).date() == dt.date(2024, 6, 15)

    one = _start(client, province.users["baoji"], mode="site", site="6103000015")
    assert one.status_code == 201 and [s["site_code"] for s in one.json()["sites"]] == ["6103000015"]
    assert one.json()["region"] == "610300"


def test_start_by_api_gives_the_form_s_reasons_and_scope(province, client) -> None:  # type: ignore[no-untyped-def]
    baoji = province.users["baoji"]
    bad_sample = _start(client, baoji, region="610300", sample="半数")
    assert bad_sample.status_code == 400 and "抽样应为百分比" in bad_sample.json()["non_field_errors"][0]
    foreign_region = _start(client, baoji, region="421000")
    assert foreign_region.status_code == 400 and "region" in foreign_region.json()
    unknown_region = _start(client, baoji, region="999999")
    assert unknown_region.status_code == 400 and "未知的行政区划代码" in unknown_region.json()["region"][0]
    foreign_site = _start(client, baoji, mode="site", site="4210000003")
    assert foreign_site.status_code == 400 and "不在您的管辖范围内" in foreign_site.json()["site"][0]
    no_site = _start(client, baoji, mode="site")
    assert no_site.status_code == 400 and "网站标识码" in no_site.json()["site"][0]
    assert _start(client, province.users["weibin"], region="610300").status_code == 403  # owners cannot start
    assert client.post("/api/campaigns/", {"region": "610300"}, content_type="application/json").status_code == 401
    assert Campaign.objects.count() == 0 and Job.objects.count() == 0


def test_campaigns_are_scoped_and_an_owner_sees_only_their_own_rows(province, client) -> None:  # type: ignore[no-untyped-def]
    admin, reviewer = province.users["admin"], province.users["shaanxi_reviewer"]
    created = _start(client, reviewer, name="陕西省抽查", region="610000", as_of="2024-06-15")
    assert created.status_code == 201, created.content.decode()
    campaign = Campaign.objects.get(pk=created.json()["id"])
    _finish(campaign, admin)
    weibin_link = Finding.objects.get(site__site_code="6103020001")
    actions.dismiss(weibin_link, reviewer, "链接为历史归档")
    rescore_campaign(campaign)
    pub = publish(campaign, reviewer, issuer="陕西省人民政府办公厅", title="", day=dt.date(2024, 6, 28))
    jingzhou_campaign = _start(client, province.users["jingzhou"], region="421000", as_of="2024-06-15").json()

    whole = client.get(f"/api/campaigns/{campaign.pk}/", **_auth(reviewer)).json()
    assert whole["view"] == "whole" and whole["state"] == "done" and whole["created_by"] == "shaanxi_reviewer"
    assert whole["progress"] == {"total": 4, "finished": 4, "errors": 0, "current": "", "percent": 100}
    by_code = {s["site_code"]: s for s in whole["sites"]}
    assert set(by_code) == {"6103000001", "6103000015", "6103020001", "6103240001"}
    fufeng = by_code["6103240001"]
    assert fufeng["before_review"]["verdict"] == "fail" and fufeng["vetoes"] == ["veto.homepage_not_updated"]
    weibin = by_code["6103020001"]
    assert weibin["after_review"]["score"] > weibin["before_review"]["score"]  # the dismissed dead link no longer costs
    assert whole["counts"]["findings"] == {"total": 2, "pending": 1, "confirmed": 0, "dismissed": 1, "whitelisted": 0}
    assert whole["counts"]["before_review"]["failed"] == whole["counts"]["after_review"]["failed"] == 1
    [published] = whole["publications"]
    assert published["id"] == pub.pk and set(published["files"]) == {"docx", "xlsx", "html"}
    docx = client.get(published["files"]["docx"], **_auth(reviewer))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert "attachment" in docx["Content-Disposition"]
    html = client.get(published["files"]["html"], HTTP_ACCEPT="text/html", **_auth(reviewer))
    assert html.status_code == 200 and html["Content-Security-Policy"].startswith("sandbox")

    # Another city's supervisor: neither the campaign, its findings nor its 通报.
    jingzhou = _auth(province.users["jingzhou"])
    assert client.get(f"/api/campaigns/{campaign.pk}/", **jingzhou).status_code == 404
    assert [c["id"] for c in client.get("/api/campaigns/", **jingzhou).json()["results"]] == [jingzhou_campaign["id"]]
    assert client.get(f"/api/findings/?campaign={campaign.pk}", **jingzhou).json()["results"] == []
    assert client.get(published["files"]["docx"], **jingzhou).status_code == 404
    baoji = _auth(province.users["baoji"])
    assert client.get(f"/api/campaigns/{jingzhou_campaign['id']}/", **baoji).status_code == 404

    # The owner of 渭滨区人民政府: the campaign that inspected their site, with their row only.
    owner = _auth(province.users["weibin"])
    listed = client.get("/api/campaigns/", **owner).json()["results"]
    assert [c["id"] for c in listed] == [campaign.pk] and listed[0]["view"] == "own_sites"
    mine = client.get(f"/api/campaigns/{campaign.pk}/", **owner).json()
    assert [s["site_code"] for s in mine["sites"]] == ["6103020001"]
    assert mine["progress"] == {"total": 1, "finished": 1, "errors": 0, "current": "", "percent": 100}
    assert mine["counts"]["sites"] == 1 and mine["counts"]["findings"]["total"] == 1
    assert mine["created_by"] is None and mine["message"] == ""
    findings = client.get(f"/api/findings/?campaign={campaign.pk}", **owner).json()["results"]
    assert [f["id"] for f in findings] == [weibin_link.pk]
    assert client.get(mine["publications"][0]["files"]["xlsx"], **owner).status_code == 200  # the public 通报
    assert client.get(f"/api/campaigns/{jingzhou_campaign['id']}/", **owner).status_code == 404

    # The whole province's findings through the same filter, for the reviewer.
    all_findings = client.get(f"/api/findings/?campaign={campaign.pk}", **_auth(reviewer)).json()["results"]
    assert len(all_findings) == 2
    inspections = client.get(f"/api/inspections/?campaign={campaign.pk}", **owner).json()["results"]
    assert len(inspections) == 1


def test_anonymous_calls_are_refused_and_the_schema_lists_campaigns(province, client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/campaigns/").status_code == 401
    assert client.get("/api/publications/").status_code == 401
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in ("/api/campaigns/", "/api/campaigns/{id}/", "/api/publications/{id}/files/{fmt}/"):
        assert path in schema["paths"], path
    assert "post" in schema["paths"]["/api/campaigns/"]
    params = {p["name"] for p in schema["paths"]["/api/findings/"]["get"]["parameters"]}
    assert "campaign" in params
