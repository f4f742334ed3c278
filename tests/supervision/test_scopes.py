"""Scopes: a site owner sees only their own sites and a city supervisor only their city, by page,
API, export, download and guessed URL alike (out of scope answers 404, never the row)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token

from govinspect.platform.orders import actions
from govinspect.platform.orders.models import Finding
from govinspect.platform.orders.results_import import import_results
from govinspect.platform.reports.models import ErrorReport
from tests.supervision.helpers import HOMEPAGE_VETO, run, site_result

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked(province):  # type: ignore[no-untyped-def]
    """Findings, work orders (one with a proof file), a 找错 report and a letter on 扶风 and 荆州区."""
    admin = province.users["admin"]
    data = run(
        site_result("6103240001", "http://www.fufeng.gov.cn/", dead=[("http://www.fufeng.gov.cn/a.html",
                                                                      "http://www.fufeng.gov.cn/gone.html")],
                    extra_findings=[HOMEPAGE_VETO]),
        site_result("4210030010", "http://www.jingzhouqu.gov.cn/", dead=[("http://www.jingzhouqu.gov.cn/x.html",
                                                                         "http://www.jingzhouqu.gov.cn/y.pdf")]),
        site_result("6103020001", "http://www.weibin.gov.cn/", dead=[("http://www.weibin.gov.cn/p.html",
                                                                     "http://www.weibin.gov.cn/q.html")]),
    )
    import_results(data, admin, "2024年第二季度")
    orders = {}
    for f in Finding.objects.filter(indicator="deduct.design.links_other_dead"):
        orders[f.site.site_code] = actions.confirm(f, admin)
    fufeng = orders["6103240001"]
    fufeng.proof = SimpleUploadedFile("proof.pdf", b"%PDF-1.4 fufeng proof")
    fufeng.save()
    from django.utils import timezone

    report = ErrorReport.objects.create(site=province.sites["6103240001"], category="dead_link",
                                        description="首页的“政策文件”链接打不开", reply_deadline=timezone.localdate())
    return {"orders": orders, "report": report}


def _site_names(response) -> set[str]:  # type: ignore[no-untyped-def]
    body = response.content.decode()
    return {name for _, name, *_ in __import__("tests.supervision.conftest", fromlist=["SITES"]).SITES if name in body}


def test_owner_sees_only_their_own_site_on_every_list(province, worked, login) -> None:  # type: ignore[no-untyped-def]
    client = login(province.users["weibin"])
    assert _site_names(client.get("/sites/")) == {"渭滨区人民政府"}
    assert _site_names(client.get("/workorders/")) == {"渭滨区人民政府"}
    assert _site_names(client.get("/findings/?state=all")) == {"渭滨区人民政府"}
    assert _site_names(client.get("/inspections/")) == {"渭滨区人民政府"}
    assert "首页的“政策文件”链接打不开" not in client.get("/reports/").content.decode()


def test_owner_guessing_another_sites_urls_gets_404(province, worked, login) -> None:  # type: ignore[no-untyped-def]
    client = login(province.users["weibin"])
    fufeng = province.sites["6103240001"]
    order = worked["orders"]["6103240001"]
    finding = order.finding
    for url in (f"/sites/{fufeng.pk}/", f"/workorders/{order.pk}/", f"/workorders/{order.pk}/proof/",
                f"/findings/{finding.pk}/", f"/reports/{worked['report'].pk}/", f"/sites/{fufeng.pk}/edit/"):
        assert client.get(url).status_code in (403, 404), url
    # Answering another site's work order is refused and changes nothing.
    response = client.post(f"/workorders/{order.pk}/", {"reply": "已整改"})
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.state == "open" and order.reply == ""


def test_owner_exports_contain_only_their_site(province, worked, login) -> None:  # type: ignore[no-untyped-def]
    client = login(province.users["weibin"])
    csv_text = client.get("/sites/export.csv").content.decode("utf-8-sig")
    assert "6103020001" in csv_text and "6103240001" not in csv_text and "4210030010" not in csv_text
    wb = openpyxl.load_workbook(io.BytesIO(client.get("/sites/export.xlsx").content))
    codes = [row[0] for row in wb.active.iter_rows(min_row=2, values_only=True)]
    assert codes == ["6103020001"]
    letters = openpyxl.load_workbook(io.BytesIO(client.get("/letters/export.xlsx").content))
    assert all(row[2] in (None, "6103020001") for row in letters.active.iter_rows(min_row=2, values_only=True))


def test_owner_api_is_scoped_and_guessed_ids_are_404(province, worked, client) -> None:  # type: ignore[no-untyped-def]
    token = Token.objects.create(user=province.users["weibin"])
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    sites = client.get("/api/sites/", **auth).json()["results"]
    assert [s["site_code"] for s in sites] == ["6103020001"]
    orders = client.get("/api/workorders/", **auth).json()["results"]
    assert {o["site"] for o in orders} == {province.sites["6103020001"].pk}
    other = worked["orders"]["6103240001"]
    assert client.get(f"/api/workorders/{other.pk}/", **auth).status_code == 404
    assert client.get(f"/api/findings/{other.finding.pk}/", **auth).status_code == 404
    assert client.get(f"/api/sites/{province.sites['6103240001'].pk}/", **auth).status_code == 404
    assert client.get(f"/api/reports/{worked['report'].pk}/", **auth).status_code == 404
    assert client.post(f"/api/workorders/{other.pk}/submit/", {"reply": "改好了"}, **auth).status_code == 404


def test_city_supervisor_sees_nothing_of_another_city(province, worked, login, client) -> None:  # type: ignore[no-untyped-def]
    web = login(province.users["jingzhou"])
    assert _site_names(web.get("/sites/")) == {"荆州市人民政府", "荆州区人民政府"}
    assert _site_names(web.get("/workorders/")) == {"荆州区人民政府"}
    for code in ("6103240001", "6103020001"):
        assert web.get(f"/sites/{province.sites[code].pk}/").status_code == 404
        assert web.get(f"/workorders/{worked['orders'][code].pk}/").status_code == 404
    assert "6103" not in web.get("/sites/export.csv").content.decode("utf-8-sig")
    token = Token.objects.create(user=province.users["jingzhou"])
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    codes = {s["site_code"] for s in client.get("/api/sites/", **auth).json()["results"]}
    assert codes == {"4210000003", "4210030010"}
    regions = {r["code"][:4] for r in client.get("/api/regions/?page_size=500", **auth).json()["results"]}
    assert regions == {"4210"}


def test_baoji_supervisor_sees_its_counties_but_not_jingzhou(province, worked, login) -> None:  # type: ignore[no-untyped-def]
    web = login(province.users["baoji"])
    assert _site_names(web.get("/sites/")) == {"宝鸡市人民政府", "宝鸡市应急管理局", "渭滨区人民政府", "扶风县人民政府"}
    assert web.get(f"/workorders/{worked['orders']['4210030010'].pk}/proof/").status_code == 404


def test_proof_download_only_in_scope(province, worked, login) -> None:  # type: ignore[no-untyped-def]
    order = worked["orders"]["6103240001"]
    client = login(province.users["fufeng"])
    response = client.get(f"/workorders/{order.pk}/proof/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_anonymous_is_refused_everywhere_but_the_public_form(province, worked, client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/api/sites/").status_code == 401
    assert client.get("/api/workorders/").status_code == 401
    assert client.get("/sites/").status_code == 302
    assert client.get("/sites/export.csv").status_code == 302
    assert client.get(f"/workorders/{worked['orders']['6103240001'].pk}/proof/").status_code == 302
    assert client.get("/zhaocuo/6103240001/").status_code == 200
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/workorders/" in schema.content


def test_owner_cannot_review_or_edit_the_registry(province, worked, login) -> None:  # type: ignore[no-untyped-def]
    client = login(province.users["weibin"])
    own = worked["orders"]["6103020001"].finding
    pending = Finding.objects.filter(site=province.sites["6103020001"], state="pending").first()
    assert client.get("/sites/new/").status_code == 403
    assert client.get("/sites/import/").status_code == 403
    assert client.get("/inspections/import/").status_code == 403
    target = pending or own
    assert client.post(f"/findings/{target.pk}/", {"decision": "dismiss", "reason": "不是问题"}).status_code == 403
