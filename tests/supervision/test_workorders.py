"""From an engine run to a closed work order: import, review, deadlines, the owner's answer,
the automatic re-check on a real loopback server (and its SSRF guard), repeat offenders."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govinspect.platform.jobs import run_pending
from govinspect.platform.orders import actions
from govinspect.platform.orders.models import Finding, Job, WhitelistEntry, WorkOrder
from govinspect.platform.orders.results_import import import_results
from tests.supervision.helpers import HOMEPAGE_VETO, run, site_result

pytestmark = pytest.mark.django_db

FIXED_PAGE = """<!DOCTYPE html><html><head><meta charset="gb2312"><title>关于做好2024年防汛工作的通知</title></head>
<body><div class="article"><h1>关于做好2024年防汛工作的通知</h1><p>发布时间：2024-06-12</p>
<p>各镇人民政府、街道办事处，区政府各工作部门：现将有关事项通知如下。</p></div></body></html>""".encode("gb18030")


SOFT_404_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>扶风县人民政府</title></head>
<body><div class="error-box"><img src="/images/404.png" alt=""><h2>抱歉，您访问的页面不存在或已被删除！</h2>
<p><span id="sec">5</span>秒后自动返回<a href="/">网站首页</a></p></div></body></html>""".encode()


class _Site(BaseHTTPRequestHandler):
    """A county site on loopback whose pages can be fixed while the test runs."""

    fixed: set[str] = set()
    soft: set[str] = set()

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path in self.soft:
            # What many CMSs answer for a deleted page: 200 and a "not found" page.
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(SOFT_404_PAGE)
        elif self.path in self.fixed or self.path == "/":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=gb2312")
            self.end_headers()
            self.wfile.write(FIXED_PAGE)
        else:
            body = "<html><body><h1>404 页面不存在</h1></body></html>".encode()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

    def do_HEAD(self) -> None:  # noqa: N802
        self.send_response(200 if self.path in self.fixed else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def county_server() -> Iterator[tuple[str, set[str]]]:
    _Site.fixed = set()
    _Site.soft = set()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Site.fixed
    finally:
        server.shutdown()
        server.server_close()


def _import(province, base: str, site_code: str = "6103240001", as_of: str = "2024-06-15T00:00:00+08:00"):  # type: ignore[no-untyped-def]
    dead = [(f"{base}/xxgk/index.html", f"{base}/art/2024/6/1/gone.html"), (f"{base}/zwgk/", f"{base}/uploads/plan.pdf")]
    return import_results(run(site_result(site_code, f"{base}/", dead=dead, extra_findings=[HOMEPAGE_VETO], as_of=as_of),
                              as_of=as_of), province.users["admin"], f"批次{as_of[:10]}")


def test_import_puts_findings_under_review_with_their_targets(province, county_server) -> None:  # type: ignore[no-untyped-def]
    base, _ = county_server
    result = _import(province, base)
    assert (result.inspections, result.findings, result.errors) == (1, 2, [])
    links = Finding.objects.get(indicator="deduct.design.links_other_dead")
    assert links.state == "pending"
    assert links.targets == [f"{base}/art/2024/6/1/gone.html", f"{base}/uploads/plan.pdf"]
    assert links.evidence[0]["url"] == f"{base}/xxgk/index.html"
    unknown = import_results(run(site_result("9999999999", "http://nowhere.gov.cn/")), province.users["admin"])
    assert unknown.inspections == 0 and "未在网站信息库中登记" in unknown.errors[0]


def test_confirming_issues_a_work_order_due_in_working_days(province, county_server, login) -> None:  # type: ignore[no-untyped-def]
    _import(province, county_server[0])
    client = login(province.users["shaanxi_reviewer"])
    veto = Finding.objects.get(indicator="veto.homepage_not_updated")
    response = client.post(f"/findings/{veto.pk}/", {"decision": "confirm", "reason": "人工核实属实"}, follow=True)
    assert "已确认并下发工单" in response.content.decode()
    order = WorkOrder.objects.get(finding=veto)
    assert order.category == "veto" and order.state == "open"
    from govinspect.platform.workdays import add_workdays

    assert order.deadline == add_workdays(order.issued_on, 1)


def test_dismissing_needs_a_reason_and_whitelisting_carries_into_the_next_run(province, county_server, login) -> None:  # type: ignore[no-untyped-def]
    base, _ = county_server
    _import(province, base)
    client = login(province.users["shaanxi_reviewer"])
    links = Finding.objects.get(indicator="deduct.design.links_other_dead")
    assert "驳回必须填写理由" in client.post(f"/findings/{links.pk}/", {"decision": "dismiss", "reason": ""}).content.decode()
    client.post(f"/findings/{links.pk}/", {"decision": "whitelist", "reason": "历史归档链接，按规定保留"})
    links.refresh_from_db()
    assert links.state == "whitelisted" and WhitelistEntry.objects.filter(site=links.site).count() == 2
    _import(province, base, as_of="2024-09-15T00:00:00+08:00")
    later = Finding.objects.filter(indicator="deduct.design.links_other_dead").exclude(pk=links.pk).get()
    assert later.state == "whitelisted"
    assert Finding.objects.filter(indicator="veto.homepage_not_updated", state="pending").count() == 2


def test_owner_answers_and_the_recheck_closes_the_order_when_the_links_work(province, county_server, login) -> None:  # type: ignore[no-untyped-def]
    base, fixed = county_server
    site = province.sites["6103240001"]
    site.allow_private = True  # the test site lives on loopback; an administrator allowed it
    site.save()
    _import(province, base)
    order = actions.confirm(Finding.objects.get(indicator="deduct.design.links_other_dead"), province.users["admin"])
    assert order.category == "other"
    owner = login(province.users["fufeng"])
    proof = SimpleUploadedFile("整改截图.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    owner.post(f"/workorders/{order.pk}/", {"reply": "已删除失效链接并恢复附件", "proof": proof})
    order.refresh_from_db()
    assert order.state == "rechecking" and order.proof.name.endswith(".png")
    # Only one of the two targets is fixed: the re-check sends the order back.
    fixed.add("/art/2024/6/1/gone.html")
    assert run_pending() == 1
    order.refresh_from_db()
    assert order.state == "reopened" and order.reopen_count == 1
    assert "plan.pdf" in order.recheck_note and "HTTP 404" in order.recheck_note
    # The owner fixes the attachment too and answers again: the re-check closes the order.
    fixed.add("/uploads/plan.pdf")
    owner.post(f"/workorders/{order.pk}/", {"reply": "附件已恢复"})
    run_pending()
    order.refresh_from_db()
    assert order.state == "closed" and order.closed_at is not None and "复查通过" in order.recheck_note
    assert Job.objects.filter(state="done").count() == 2


def test_recheck_refuses_a_loopback_target_unless_allowed(province, county_server) -> None:  # type: ignore[no-untyped-def]
    base, fixed = county_server
    fixed.update({"/art/2024/6/1/gone.html", "/uploads/plan.pdf"})  # it would pass if fetched
    _import(province, base)
    order = actions.confirm(Finding.objects.get(indicator="deduct.design.links_other_dead"), province.users["admin"])
    actions.submit(order, "已整改")
    run_pending()
    order.refresh_from_db()
    assert order.state == "submitted"  # neither closed nor reopened: back to a person
    assert "内网或本机地址" in order.recheck_note


def test_recheck_of_a_site_level_problem_refuses_an_internal_homepage(province) -> None:  # type: ignore[no-untyped-def]
    site = province.sites["6103240001"]
    site.url = "http://10.1.2.3/"  # a registered homepage pointing into the inspector's network
    site.save()
    import_results(run(site_result("6103240001", "http://www.fufeng.gov.cn/", extra_findings=[HOMEPAGE_VETO])),
                   province.users["admin"])
    order = actions.confirm(Finding.objects.get(indicator="veto.homepage_not_updated"), province.users["admin"])
    actions.submit(order, "首页已更新")
    run_pending()
    order.refresh_from_db()
    assert order.state == "submitted" and "无法检查" in order.recheck_note


def test_recheck_of_a_site_level_problem_reinspects_the_site(province, county_server) -> None:  # type: ignore[no-untyped-def]
    base, _ = county_server
    site = province.sites["6103240001"]
    site.url, site.allow_private = f"{base}/", True
    site.save()
    fraud = {"indicator": "veto.security.fraud", "veto": True, "points": 0.0, "measure": {"count": 1},
             "message": "发布日期晚于监测时间1条，单项否决",
             "evidence": [{"url": f"{base}/", "detail": "《通知》标注发布日期2099-01-01"}]}
    import_results(run(site_result("6103240001", f"{base}/", extra_findings=[fraud])), province.users["admin"])
    order = actions.confirm(Finding.objects.get(indicator="veto.security.fraud"), province.users["admin"])
    actions.submit(order, "已更正发布日期")
    run_pending()
    order.refresh_from_db()
    assert order.state == "closed", order.recheck_note
    assert "未再发现该问题" in order.recheck_note


def test_overdue_orders_and_repeat_offenders(province, county_server, login) -> None:  # type: ignore[no-untyped-def]
    base, _ = county_server
    _import(province, base)
    _import(province, base, as_of="2024-09-15T00:00:00+08:00")
    for f in Finding.objects.filter(indicator="deduct.design.links_other_dead"):
        actions.confirm(f, province.users["admin"])
    first = WorkOrder.objects.order_by("id").first()
    first.issued_on, first.deadline = dt.date(2024, 6, 17), dt.date(2024, 6, 24)
    first.save()
    assert first.is_overdue()
    client = login(province.users["baoji"])
    body = client.get("/workorders/?overdue=1").content.decode()
    assert "超期" in body and f"/workorders/{first.pk}/" in body
    repeat = list(actions.repeat_offenders(WorkOrder.objects.all()))
    assert repeat and repeat[0]["site__site_code"] == "6103240001" and repeat[0]["runs"] == 2
    assert "屡查屡犯" in body and "其他页面链接可用性" in body


def test_recheck_does_not_close_an_order_whose_link_now_answers_a_soft_404(province, county_server) -> None:  # type: ignore[no-untyped-def]
    # The owner "fixed" the dead links by making the CMS answer 200 with its not-found page:
    # the order must not close on that; a person decides.
    base, fixed = county_server
    site = province.sites["6103240001"]
    site.allow_private = True
    site.save()
    _import(province, base)
    order = actions.confirm(Finding.objects.get(indicator="deduct.design.links_other_dead"), province.users["admin"])
    fixed.add("/uploads/plan.pdf")
    _Site.soft.add("/art/2024/6/1/gone.html")
    actions.submit(order, "已整改")
    run_pending()
    order.refresh_from_db()
    assert order.state == "submitted" and order.closed_at is None
    assert "疑似软404" in order.recheck_note and "gone.html" in order.recheck_note


def test_finding_page_names_the_indicator_in_chinese(province, county_server, login) -> None:  # type: ignore[no-untyped-def]
    base, _ = county_server
    _import(province, base)
    finding = Finding.objects.get(indicator="deduct.design.links_other_dead")
    page = login(province.users["admin"]).get(f"/findings/{finding.pk}/").content.decode()
    assert "其他页面链接可用性" in page and "deduct.design.links_other_dead" in page
