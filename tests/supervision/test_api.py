"""The REST API: token auth, the same scopes and capabilities as the pages, the OpenAPI schema."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from govinspect.platform.orders.models import Finding, WorkOrder
from govinspect.platform.orders.results_import import import_results
from govinspect.platform.registry.models import Site
from tests.supervision.helpers import HOMEPAGE_VETO, run, site_result

pytestmark = pytest.mark.django_db


def _auth(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def test_reviewer_confirms_by_api_and_owner_submits(province, client) -> None:  # type: ignore[no-untyped-def]
    import_results(run(site_result("6103240001", "http://www.fufeng.gov.cn/", extra_findings=[HOMEPAGE_VETO])),
                   province.users["admin"])
    finding = Finding.objects.get()
    reviewer = _auth(province.users["shaanxi_reviewer"])
    assert client.post(f"/api/findings/{finding.pk}/review/", {"decision": "dismiss"}, **reviewer).status_code == 400
    response = client.post(f"/api/findings/{finding.pk}/review/", {"decision": "confirm"}, **reviewer)
    assert response.status_code == 200 and response.json()["state"] == "confirmed"
    order = WorkOrder.objects.get()
    owner = _auth(province.users["fufeng"])
    assert client.post(f"/api/findings/{finding.pk}/review/", {"decision": "confirm"}, **owner).status_code == 403
    submitted = client.post(f"/api/workorders/{order.pk}/submit/", {"reply": "首页已更新"}, **owner)
    assert submitted.status_code == 202 and submitted.json()["state"] == "rechecking"
    listed = client.get("/api/workorders/", **owner).json()["results"]
    assert [o["id"] for o in listed] == [order.pk]


def test_sites_api_writes_need_the_role_and_the_region(province, client) -> None:  # type: ignore[no-untyped-def]
    body = {"site_code": "6103230001", "name": "岐山县人民政府", "url": "www.qishan.gov.cn", "region_code": "610323"}
    assert client.post("/api/sites/", body, **_auth(province.users["weibin"])).status_code == 403
    assert client.post("/api/sites/", body, **_auth(province.users["jingzhou"])).status_code == 403
    created = client.post("/api/sites/", body, **_auth(province.users["baoji"]))
    assert created.status_code == 201 and created.json()["url"] == "http://www.qishan.gov.cn/"
    bad = dict(body, site_code="42100300AB")
    assert "格式不正确" in client.post("/api/sites/", bad, **_auth(province.users["baoji"])).json()["site_code"][0]
    assert Site.objects.filter(site_code="6103230001").count() == 1


def test_bad_tokens_and_anonymous_calls_are_refused(province, client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/").status_code == 401
    assert client.get("/api/findings/", HTTP_AUTHORIZATION="Token not-a-token").status_code == 401
    province.users["baoji"].is_active = False
    province.users["baoji"].save()
    assert client.get("/api/sites/", **_auth(province.users["baoji"])).status_code == 401


def test_openapi_schema_lists_the_resources(client, db) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert schema["info"]["title"] == "govinspect 监管平台 API"
    for path in ("/api/sites/", "/api/findings/{id}/review/", "/api/workorders/{id}/submit/", "/api/letters/"):
        assert path in schema["paths"], path
