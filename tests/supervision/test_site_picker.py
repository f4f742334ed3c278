"""The site picker of 发起抽查: `/sites/search/` answers scoped JSON (20 rows at most, best match
first, rate-limited), the page carries a text field and a local script instead of a drop-down of
every site, and the form works without script: the typed 网站标识码 is looked up on the server."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from govinspect.platform.campaigns.models import Campaign, CampaignSite
from govinspect.platform.registry.models import Region, Site
from govinspect.platform.registry.views import SEARCH_PER_MINUTE
from tests.supervision.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _search(client: Any, q: str, **extra: str) -> Any:
    return client.get("/sites/search/", {"q": q, **extra})


def _many_sites(n: int) -> None:
    """`n` more running sites in 宝鸡 (a province registers about 18,000)."""
    region = Region.objects.get(code="610300")
    Site.objects.bulk_create([
        Site(site_code=f"61031{i:05d}", name=f"宝鸡市第{i}号部门网站", region=region,
             url=f"http://dept{i}.baoji.gov.cn/") for i in range(n)
    ], batch_size=2000)


def test_search_answers_the_user_s_scope_best_match_first(province, login) -> None:  # type: ignore[no-untyped-def]
    client = login(province.users["baoji"])
    by_code = _search(client, "6103240001").json()
    assert [r["site_code"] for r in by_code["results"]] == ["6103240001"] and by_code["more"] is False
    assert by_code["results"][0] == {"site_code": "6103240001", "name": "扶风县人民政府", "host": "www.fufeng.gov.cn",
                                     "region": "陕西省宝鸡市扶风县", "status": "running", "status_display": "运行",
                                     "portal": True}
    assert [r["site_code"] for r in _search(client, "6103").json()["results"]] == [
        "6103000001", "6103000015", "6103020001", "6103240001"]
    assert [r["name"] for r in _search(client, "渭滨").json()["results"]] == ["渭滨区人民政府"]
    assert [r["site_code"] for r in _search(client, "http://www.fufeng.gov.cn/index.html").json()["results"]] == [
        "6103240001"]
    assert [r["site_code"] for r in _search(client, "yjj.baoji").json()["results"]] == ["6103000015"]
    # Another city's sites are not there at all, however they are asked for.
    for q in ("荆州", "4210000003", "www.jingzhou.gov.cn"):
        assert _search(client, q).json()["results"] == [], q
    assert _search(client, "").json()["results"] == []
    Site.objects.filter(site_code="6103000015").update(status="closed")
    assert _search(client, "应急", status="running").json()["results"] == []
    assert len(_search(client, "应急").json()["results"]) == 1
    # An owner finds only their own site.
    owner = Client()
    assert owner.post("/login/", {"username": "weibin", "password": PASSWORD}).status_code == 302
    assert [r["site_code"] for r in _search(owner, "人民政府").json()["results"]] == ["6103020001"]


def test_search_returns_at_most_20_rows_of_18000_sites(province, login) -> None:  # type: ignore[no-untyped-def]
    _many_sites(18_000)
    client = login(province.users["baoji"])
    response = _search(client, "部门网站")
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    body = response.json()
    assert len(body["results"]) == 20 and body["more"] is True
    exact = _search(client, "6103117999").json()["results"]
    assert exact[0]["name"] == "宝鸡市第17999号部门网站"
    assert _search(client, "dept12345.baoji.gov.cn").json()["results"][0]["site_code"] == "6103112345"
    # The form page no longer lists every site: a text field, the local script, no option per site.
    page = client.get("/campaigns/new/").content.decode()
    assert 'id="start-campaign"' in page and 'name="site"' in page and 'id="id_site"' in page
    assert 'data-site-search="/sites/search/"' in page and "/static/platform/sitepicker.js" in page
    assert "部门网站" not in page and len(page) < 60_000
    script = client.get("/static/platform/sitepicker.js")
    assert script.status_code == 200 and b"data-site-search" in b"".join(script.streaming_content)


def test_search_needs_a_login_and_is_rate_limited(province, client, login) -> None:  # type: ignore[no-untyped-def]
    assert _search(client, "宝鸡").status_code == 401
    client = login(province.users["baoji"])
    for _ in range(SEARCH_PER_MINUTE):
        assert _search(client, "宝鸡").status_code == 200
    refused = _search(client, "宝鸡")
    assert refused.status_code == 429 and refused.json()["error"] == "查询过于频繁，请稍后再试"


def _post(client: Any, **form: Any) -> Any:
    return client.post("/campaigns/new/", {"name": "", "mode": "site", "region": "", "sample": "", "seed": 0,
                                           "as_of": "2024-06-15", "profile": "gov2019", **form})


def test_the_form_takes_a_typed_site_code_without_script(province, login) -> None:  # type: ignore[no-untyped-def]
    client = login(province.users["baoji"])
    response = _post(client, site="6103240001")
    assert response.status_code == 302, response.content.decode()[-1500:]
    campaign = Campaign.objects.latest("id")
    assert list(CampaignSite.objects.filter(campaign=campaign).values_list("site__site_code", flat=True)) == ["6103240001"]
    # What the picker writes (code and name), an exact host, and the old drop-down's row id still work.
    for typed, code in (("6103020001 渭滨区人民政府", "6103020001"), ("yjj.baoji.gov.cn", "6103000015"),
                        (str(province.sites["6103000001"].pk), "6103000001")):
        assert _post(client, site=typed).status_code == 302, typed
        assert CampaignSite.objects.filter(campaign=Campaign.objects.latest("id")).get().site.site_code == code

    before = Campaign.objects.count()
    for typed, reason in (("4210000003", "未找到网站标识码为“4210000003”的运行中网站，或该网站不在您的管辖范围内"),
                          ("不存在的网站", "未找到“不存在的网站”，请填写网站标识码"),
                          ("", "请填写要检查的网站标识码")):
        page = _post(client, site=typed)
        assert page.status_code == 200 and reason in page.content.decode(), typed
    assert Campaign.objects.count() == before
    # A region campaign ignores whatever was left in the site field.
    assert _post(client, mode="region", region=Region.objects.get(code="610324").pk, site="乱填").status_code == 302
