"""我为政府网站找错 (public form, abuse limits, routing, deadlines, on-time rates) and test letters
(replies in working days, the Baoji-style 附件3 table)."""

from __future__ import annotations

import datetime as dt
import io
import time

import openpyxl
import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from govinspect.platform.letters.models import TestLetter
from govinspect.platform.reports.forms import _SALT
from govinspect.platform.reports.models import ErrorReport

pytestmark = pytest.mark.django_db

TZ = timezone.get_fixed_timezone(8 * 60)


def _stamp(age: float = 30.0) -> str:
    return signing.dumps({"t": time.time() - age}, salt=_SALT)


def _report(client: Client, site_code: str = "6103240001", **extra: str):  # type: ignore[no-untyped-def]
    data = {"category": "dead_link", "page_url": "http://www.fufeng.gov.cn/zwgk/", "reporter": "王先生",
            "description": "政务公开栏目中“财政预决算”的链接打开后显示404。", "contact": "13800000000",
            "website": "", "stamp": _stamp()}
    data.update(extra)
    return client.post(f"/zhaocuo/{site_code}/", data)


def test_citizen_reports_without_login_and_the_owner_answers(province, login) -> None:  # type: ignore[no-untyped-def]
    response = _report(Client())
    body = response.content.decode()
    assert response.status_code == 200 and "查询码" in body
    report = ErrorReport.objects.get()
    assert report.site.site_code == "6103240001" and report.state == "forwarded"
    from govinspect.platform.workdays import add_workdays

    assert report.reply_deadline == add_workdays(timezone.localdate(), 3)
    assert report.ticket in body
    # Routed to the owner of that site only.
    assert report.ticket in login(province.users["fufeng"]).get("/reports/").content.decode()
    other = Client()
    other.post("/login/", {"username": "weibin", "password": "Jiancha2024ok"})
    assert report.ticket not in other.get("/reports/").content.decode()
    owner = login(province.users["fufeng"])
    owner.post(f"/reports/{report.pk}/", {"reply": "感谢您的反映，链接已修复。"})
    report.refresh_from_db()
    assert report.state == "replied" and report.replied_on_time is True
    status = Client().get(f"/zhaocuo/query/{report.ticket}/").content.decode()
    assert "链接已修复" in status and "13800000000" not in status


def test_honeypot_fast_submissions_and_oversized_text_are_not_stored(province) -> None:  # type: ignore[no-untyped-def]
    assert _report(Client(), website="http://spam.example/").status_code == 200
    assert "提交过快" in _report(Client(), stamp=_stamp(age=0.5)).content.decode()
    assert "页面已过期" in _report(Client(), stamp="forged").content.decode()
    assert "不超过 2000 字符" in _report(Client(), description="长" * 2001).content.decode()
    assert ErrorReport.objects.count() == 0
    assert Client().get("/zhaocuo/0000000000/").status_code == 404


def test_reports_are_rate_limited_per_address(province) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    codes = [_report(client).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    assert ErrorReport.objects.count() == 5


def test_a_closed_site_has_no_public_form(province) -> None:  # type: ignore[no-untyped-def]
    site = province.sites["6103240001"]
    site.status = "closed"
    site.save()
    assert Client().get("/zhaocuo/6103240001/").status_code == 404


def test_on_time_rate_per_region_and_the_annual_counts(province, login) -> None:  # type: ignore[no-untyped-def]
    sites = province.sites

    def make(code: str, received: dt.datetime, deadline: dt.date, replied: dt.datetime | None) -> None:
        ErrorReport.objects.create(site=sites[code], category="other", description="测试", received_at=received,
                                   reply_deadline=deadline, replied_at=replied, state="replied" if replied else "forwarded")

    year = timezone.localdate().year
    jan = dt.datetime(year, 1, 8, 9, 0, tzinfo=TZ)
    make("6103020001", jan, dt.date(year, 1, 11), jan + dt.timedelta(days=1))  # 渭滨 on time
    make("6103240001", jan, dt.date(year, 1, 11), jan + dt.timedelta(days=40))  # 扶风 late, > 1 month
    make("6103240001", jan, dt.date(year, 1, 11), None)  # 扶风 unanswered and overdue
    make("4210030010", jan, dt.date(year, 1, 11), jan)  # 荆州区: not in 宝鸡's table
    body = login(province.users["baoji"]).get(f"/reports/stats/?year={year}").content.decode()
    assert "荆州" not in body
    row = body[body.index("陕西省宝鸡市扶风县"):].split("</tr>")[0]
    cells = [c.split("<")[0] for c in row.split("<td>")[1:]]
    assert cells == ["2", "1", "0", "0%", "1", "1", "1"]
    city = body[body.index("<td>陕西省宝鸡市</td>"):].split("</tr>")[0]
    assert [c.split("<")[0] for c in city.split("<td>")[2:]] == ["3", "2", "1", "33%", "1", "1", "1"]


def test_test_letters_in_working_days_and_the_baoji_table(province, login) -> None:  # type: ignore[no-untyped-def]
    s = province.sites
    reviewer = login(province.users["shaanxi_reviewer"])
    # Sent on Friday 2024-09-27; the 调休 Sunday 09-29 and Monday 09-30 count, the 国庆 week does not.
    rows = [("6103000001", dt.date(2024, 9, 27), dt.date(2024, 9, 27), False),  # 当日回复
            ("6103000015", dt.date(2024, 9, 27), dt.date(2024, 10, 9), False),  # 09-29, 09-30, 10-08, 10-09: 4
            ("6103020001", dt.date(2024, 9, 27), dt.date(2024, 10, 11), False),  # 6 working days: late
            ("6103240001", dt.date(2024, 9, 27), None, True)]  # never answered and deleted
    for code, sent, replied, deleted in rows:
        response = reviewer.post("/letters/new/", {
            "site": s[code].pk, "campaign": "2024年第三季度", "channel": "领导信箱", "subject": "咨询办事时间",
            "sent_on": sent.isoformat(), "replied_on": replied.isoformat() if replied else "", "deleted": deleted or "",
            "reply_excerpt": "", "note": ""})
        assert response.status_code == 302, response.content.decode()[:300]
    assert [letter.workdays for letter in TestLetter.objects.order_by("site__site_code")] == [0, 4, 6, None]
    sheet = openpyxl.load_workbook(io.BytesIO(reviewer.get("/letters/export.xlsx?campaign=2024年第三季度").content)).active
    table = {r[2]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert table["6103000001"][7:] == ("是", "当日回复")
    assert table["6103000015"][6:8] == (4, "是")
    assert table["6103020001"][7:] == ("否", "超过5个工作日回复")
    assert table["6103240001"][7:] == ("否", "超过5个工作日未回复且删除信件")
    page = reviewer.get("/letters/").content.decode()
    assert "共检查4家网站，2家网站的测试信件能做到按时回复，其中1家网站做到当日回复" in page
    bad = reviewer.post("/letters/new/", {"site": s["6103000001"].pk, "subject": "x", "channel": "领导信箱",
                                          "sent_on": "2024-09-27", "replied_on": "2024-09-20"})
    assert "回复日期不能早于发送日期" in bad.content.decode()
    # A reviewer scoped to 陕西 cannot record a letter for a 湖北 site.
    foreign = reviewer.post("/letters/new/", {"site": s["4210030010"].pk, "subject": "x", "channel": "领导信箱",
                                              "sent_on": "2024-09-27"})
    assert foreign.status_code == 200 and TestLetter.objects.filter(site=s["4210030010"]).count() == 0
