"""The dashboard's rows follow the user's scope: a city supervisor gets the city's own level and
its counties, with the work orders and 找错 numbers of each; nothing of another city."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from govinspect.platform.orders import actions
from govinspect.platform.orders.models import Finding, WorkOrder
from govinspect.platform.orders.results_import import import_results
from govinspect.platform.reports.models import ErrorReport
from tests.supervision.helpers import run, site_result

pytestmark = pytest.mark.django_db


def test_city_supervisor_sees_its_own_level_and_counties_with_their_orders(province, login) -> None:  # type: ignore[no-untyped-def]
    sites = [("6103000015", "http://yjj.baoji.gov.cn/"), ("6103240001", "http://www.fufeng.gov.cn/"),
             ("4210030010", "http://www.jingzhouqu.gov.cn/")]
    import_results(run(*[site_result(c, u, dead=[(f"{u}a.html", f"{u}b.html")]) for c, u in sites]),
                   province.users["admin"], "2024年第二季度")
    orders = {f.site.site_code: actions.confirm(f, province.users["admin"]) for f in Finding.objects.all()}
    WorkOrder.objects.filter(pk=orders["6103240001"].pk).update(deadline=dt.date(2024, 1, 5))
    today = timezone.localdate()
    ErrorReport.objects.create(site=province.sites["6103240001"], category="other", description="错别字",
                               reply_deadline=today - dt.timedelta(days=3))  # unanswered, overdue

    board = login(province.users["baoji"]).get("/dashboard/").context["board"]
    rows = {r.region.name: r for r in board.rows}
    assert set(rows) == {"宝鸡市本级", "渭滨区", "扶风县"}
    assert rows["宝鸡市本级"].sites == 2 and (rows["宝鸡市本级"].open_orders, rows["宝鸡市本级"].overdue_orders) == (1, 0)
    assert (rows["扶风县"].open_orders, rows["扶风县"].overdue_orders) == (1, 1)
    assert rows["扶风县"].zhaocuo_rate == 0.0 and rows["渭滨区"].zhaocuo_rate is None
    assert all(r.campaign is None for r in board.rows)  # no campaign run from the platform yet
    assert (board.total.sites, board.total.open_orders, board.total.overdue_orders) == (4, 2, 1)
