"""The registry: import with row-level errors (GBK CSV and XLSX, as Excel in China saves them),
regions by name or code, scope of the importer, export round trip, new-media accounts."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govinspect.platform.registry.models import NewMediaAccount, Region, Site
from govinspect.platform.registry.regions import load_regions, sandbox_region_pairs

pytestmark = pytest.mark.django_db

ROWS = [
    ["序号", "网站标识码（必填）", "网站名称", "首页地址", "主办单位", "地区", "是否门户", "运行状态", "别名"],
    [1, "6103230001", "岐山县人民政府", "www.qishan.gov.cn", "岐山县人民政府办公室", "陕西省宝鸡市岐山县", "是", "运行", "qishan.gov.cn"],
    [2, 6103260001, "眉县人民政府", "http://www.meixian.gov.cn/index.html", "眉县人民政府办公室", "610326", "是", "运行", ""],
    [3, "6103270001", "陇县人民政府", "http://www.longxian.gov.cn", "陇县人民政府办公室", "陇县", "是", "整合", ""],
    [4, "6103230001", "岐山县人民政府（重复）", "www.qishan2.gov.cn", "岐山县人民政府办公室", "610323", "是", "运行", ""],
    [5, "61032300X1", "岐山县发改局", "www.fgj.qishan.gov.cn", "岐山县发展和改革局", "610323", "否", "运行", ""],
    [6, "6103990001", "不存在县人民政府", "www.buzai.gov.cn", "不存在县人民政府办公室", "陕西省宝鸡市不存在县", "是", "运行", ""],
    [7, "4210220001", "公安县人民政府", "www.gongan.gov.cn", "公安县人民政府办公室", "421022", "是", "运行", ""],
    [8, "6103280001", "千阳县人民政府", "javascript:alert(1)", "千阳县人民政府办公室", "610328", "是", "运行", ""],
    [9, "6103290001", "麟游县人民政府", "www.linyou.gov.cn", "麟游县人民政府办公室", "610329", "是", "停用", ""],
    [10, "6103300001", "凤县人民政府", "www.fengxian.gov.cn", "凤县人民政府办公室", "610302", "是", "运行", ""],
]


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["宝鸡市政府网站信息报送表（2024年6月）"])  # a title row above the header, as real sheets have
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_import_reports_each_bad_row_and_keeps_the_good_ones(province, login) -> None:  # type: ignore[no-untyped-def]
    client = login(province.users["baoji"])
    response = client.post("/sites/import/", {"file": SimpleUploadedFile("报送表.xlsx", _xlsx(ROWS))})
    body = response.content.decode()
    assert "新增 3 个网站" in body
    assert "第6行" in body and "与第3行的网站标识码重复" in body
    assert "第7行" in body and "格式不正确" in body
    assert "第8行" in body and "不在行政区划表中" in body
    assert "第9行" in body and "不在您的管辖范围内" in body  # 公安县 is in 湖北, not 宝鸡
    assert "第10行" in body and "协议不受支持" in body
    assert "第11行" in body and "运行状态" in body
    assert "第12行" in body and "行政区划代码不符" in body
    qishan = Site.objects.get(site_code="6103230001")
    assert qishan.url == "http://www.qishan.gov.cn/" and qishan.region.code == "610323" and qishan.portal
    assert qishan.alias_list == ["qishan.gov.cn"]
    assert Site.objects.get(site_code="6103260001").url == "http://www.meixian.gov.cn/index.html"
    assert Site.objects.get(site_code="6103270001").status == "merged"


def test_gbk_csv_import_updates_existing_sites_and_exports_round_trip(province, login) -> None:  # type: ignore[no-untyped-def]
    csv_text = ("网站标识码,网站名称,首页地址,主办单位,地区,是否门户,运行状态\r\n"
                "6103240001,扶风县人民政府,http://www.fufeng.gov.cn/,扶风县人民政府办公室,陕西省宝鸡市扶风县,是,关停\r\n")
    client = login(province.users["admin"])
    body = client.post("/sites/import/", {"file": SimpleUploadedFile("sites.csv", csv_text.encode("gbk"))}).content.decode()
    assert "更新 1 个网站" in body
    assert Site.objects.get(site_code="6103240001").status == "closed"
    exported = client.get("/sites/export.xlsx").content
    before = Site.objects.count()
    again = client.post("/sites/import/", {"file": SimpleUploadedFile("export.xlsx", exported)}).content.decode()
    assert f"更新 {before} 个网站" in again and Site.objects.count() == before


def test_a_file_without_the_needed_columns_is_refused_with_one_line(province, login) -> None:  # type: ignore[no-untyped-def]
    client = login(province.users["admin"])
    upload = SimpleUploadedFile("sites.csv", "名称,备注\r\n某网站,无\r\n".encode())
    assert "表头中找不到“网站标识码”和“首页地址”两列" in client.post("/sites/import/", {"file": upload}).content.decode()


def test_site_form_validates_code_against_region(province, login) -> None:  # type: ignore[no-untyped-def]
    client = login(province.users["baoji"])
    data = {"site_code": "4210030011", "name": "错码网站", "url": "http://www.cuoma.gov.cn/",
            "region": Region.objects.get(code="610302").pk, "status": "running"}
    assert "行政区划代码不符" in client.post("/sites/new/", data).content.decode()
    data["region"] = Region.objects.get(code="421003").pk  # another city's region is not offered
    assert "选择一个有效的选项" in client.post("/sites/new/", data).content.decode()
    assert not Site.objects.filter(site_code="4210030011").exists()


def test_new_media_accounts_are_scoped(province, login) -> None:  # type: ignore[no-untyped-def]
    s = province.sites
    NewMediaAccount.objects.create(platform="wechat", name="扶风发布", region=s["6103240001"].region, site=s["6103240001"])
    NewMediaAccount.objects.create(platform="weibo", name="荆州区发布", region=s["4210030010"].region, site=s["4210030010"])
    assert "荆州区发布" not in login(province.users["baoji"]).get("/newmedia/").content.decode()
    owner = login(province.users["fufeng"])
    page = owner.get("/newmedia/").content.decode()
    assert "扶风发布" in page and "荆州区发布" not in page


def test_the_simulated_province_regions_match_its_site_codes(db) -> None:  # type: ignore[no-untyped-def]
    from govinspect.sandbox.build import build_province

    load_regions(sandbox_region_pairs(1))
    for site in build_province(seed=1, n_sites=12).sites:
        region = Region.objects.get(code=site.site_code[:6])
        assert region.full_name == site.region
