"""Security of the platform's forms: CSRF, session fixation, login limits, stored XSS, SQL
injection in forms and import files, upload size and type limits, password rules."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govinspect.platform.accounts.models import AuditEntry
from govinspect.platform.registry.models import Region, Site
from tests.supervision.conftest import PASSWORD

pytestmark = pytest.mark.django_db

XSS_NAME = '<script>alert("x")</script><img src=x onerror=alert(1)>县政府'
SQLI = "'; DROP TABLE registry_site; --"


def test_forms_without_csrf_token_are_refused(province) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    assert client.post("/login/", {"username": "admin", "password": PASSWORD}).status_code == 403
    client.force_login(province.users["admin"])
    before = Site.objects.count()
    response = client.post("/sites/new/", {"site_code": "6103000099", "name": "伪造", "url": "http://a.gov.cn/",
                                           "region": Region.objects.get(code="610300").pk, "status": "running"})
    assert response.status_code == 403 and Site.objects.count() == before
    # The public 找错 form is protected the same way.
    assert client.post("/zhaocuo/6103240001/", {"description": "跨站提交"}).status_code == 403


def test_login_rotates_the_session_key(province) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.get("/login/")
    session = client.session
    session["planted"] = "by attacker"
    session.save()
    planted = session.session_key
    client.cookies["sessionid"] = planted
    client.post("/login/", {"username": "admin", "password": PASSWORD})
    assert client.cookies["sessionid"].value != planted


def test_session_cookie_expires_and_is_http_only(province, login) -> None:  # type: ignore[no-untyped-def]
    from django.conf import settings

    client = login(province.users["admin"])
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"]
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_repeated_wrong_passwords_lock_the_login_and_are_logged(province) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for _ in range(5):
        assert client.post("/login/", {"username": "baoji", "password": "wrong-password-1"}).status_code == 200
    locked = client.post("/login/", {"username": "baoji", "password": PASSWORD})
    assert locked.status_code == 429 and "登录失败次数过多" in locked.content.decode()
    assert AuditEntry.objects.filter(action="login_failed", object_id="baoji").count() == 5


def test_stored_xss_in_a_site_name_renders_inert(province, login) -> None:  # type: ignore[no-untyped-def]
    site = province.sites["6103240001"]
    site.name = XSS_NAME
    site.save()
    client = login(province.users["admin"])
    for url in ("/sites/", f"/sites/{site.pk}/", f"/zhaocuo/{site.site_code}/"):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body, url
        assert "&lt;script&gt;alert" in body, url


def test_sql_injection_text_is_stored_as_text(province, login) -> None:  # type: ignore[no-untyped-def]
    client = login(province.users["admin"])
    response = client.post("/sites/new/", {
        "site_code": "6103000099", "name": SQLI, "url": "http://www.example.gov.cn/",
        "region": Region.objects.get(code="610300").pk, "status": "running", "aliases": "",
    })
    assert response.status_code == 302
    assert Site.objects.get(site_code="6103000099").name == SQLI
    assert client.get("/sites/?q=' OR 1=1 --").status_code == 200
    assert SQLI not in client.get("/sites/?q=' OR '1'='1").content.decode()
    assert Site.objects.count() == 7


def test_sql_injection_in_an_xlsx_import_is_harmless(province, login, tmp_path) -> None:  # type: ignore[no-untyped-def]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["网站标识码", "网站名称", "首页地址", "主办单位", "地区"])
    ws.append(["6103000098", SQLI, "http://www.x1.gov.cn/", "宝鸡市某局", "610300"])
    ws.append(["6103000097'; DELETE FROM registry_site; --", "某局", "http://www.x2.gov.cn/", "某局", "610300"])
    path = tmp_path / "sites.xlsx"
    wb.save(path)
    client = login(province.users["admin"])
    response = client.post("/sites/import/", {"file": SimpleUploadedFile("sites.xlsx", path.read_bytes())})
    body = response.content.decode()
    assert "新增 1 个网站" in body and "第3行" in body and "格式不正确" in body
    assert Site.objects.get(site_code="6103000098").name == SQLI
    assert Site.objects.count() == 7


def test_formula_text_from_a_gbk_csv_is_exported_as_text(province, login) -> None:  # type: ignore[no-untyped-def]
    text = ("网站标识码,网站名称,首页地址,主办单位,地区\r\n"
            '6103000098,眉县人民政府,www.meixian.gov.cn,"=HYPERLINK(""http://evil/"",""点我"")",陕西省宝鸡市眉县\r\n')
    client = login(province.users["admin"])
    upload = SimpleUploadedFile("网站.csv", text.encode("gbk"))
    assert "新增 1 个网站" in client.post("/sites/import/", {"file": upload}).content.decode()
    site = Site.objects.get(site_code="6103000098")
    assert site.region.code == "610326" and site.url == "http://www.meixian.gov.cn/"
    exported = client.get("/sites/export.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in exported  # Excel shows it as text instead of running it
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/sites/export.xlsx").content)).active
    organisers = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert any(str(o).startswith("'=HYPERLINK") for o in organisers)


def test_uploads_are_limited_in_size_and_type(province, login, settings) -> None:  # type: ignore[no-untyped-def]
    client = login(province.users["admin"])
    settings.GOVINSPECT_MAX_UPLOAD_BYTES = 1024
    big = SimpleUploadedFile("sites.csv", "网站标识码,首页地址\n".encode() + b"6103000001,http://a.gov.cn/\n" * 200)
    assert "文件过大" in client.post("/sites/import/", {"file": big}).content.decode()
    settings.GOVINSPECT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    exe = SimpleUploadedFile("sites.exe", b"MZ\x90\x00")
    assert "不支持的文件类型" in client.post("/sites/import/", {"file": exe}).content.decode()
    fake = SimpleUploadedFile("sites.xlsx", b"<html>not a workbook</html>")
    assert "文件内容与扩展名" in client.post("/sites/import/", {"file": fake}).content.decode()
    assert Site.objects.count() == 6


def test_password_rules_are_enforced_in_chinese(province, login) -> None:  # type: ignore[no-untyped-def]
    client = login(province.users["weibin"])
    response = client.post("/password/", {"old_password": PASSWORD, "new_password1": "abcdefghijk",
                                          "new_password2": "abcdefghijk"})
    assert "密码必须同时包含字母和数字" in response.content.decode()


def test_every_change_is_in_the_audit_log_with_before_and_after(province, login) -> None:  # type: ignore[no-untyped-def]
    client = login(province.users["baoji"])
    site = province.sites["6103240001"]
    response = client.post(f"/sites/{site.pk}/edit/", {
        "site_code": site.site_code, "name": "扶风县人民政府网", "url": site.url, "organiser": site.organiser.pk,
        "region": site.region.pk, "status": "running", "aliases": "fufeng.gov.cn"})
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(model="registry.Site", object_id=str(site.pk), action="update").first()
    assert entry is not None and entry.actor_name == "baoji" and entry.ip == "127.0.0.1"
    assert entry.before["name"] == "扶风县人民政府" and entry.after["name"] == "扶风县人民政府网"
    logged = str(list(AuditEntry.objects.filter(model="accounts.User").values_list("after", flat=True)))
    assert "'password': '******'" in logged and "md5$" not in logged and "pbkdf2" not in logged
