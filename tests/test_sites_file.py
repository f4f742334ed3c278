"""read_sites: registries as Excel in China really produces them (XLSX, GBK CSV, odd rows)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from govinspect.sites import SitesFileError, normalise_site_url, read_sites

HEADER_CN = ["序号", "网站标识码", "网站名称", "首页地址", "主办单位", "地区", "是否门户"]
ROWS_CN = [
    [1, "4210030010", "荆州区人民政府", "http://www.jingzhouqu.gov.cn", "荆州区人民政府办公室",
     "湖北省荆州市荆州区", "是"],
    [2, "4210020003", "沙市区人民政府", "www.shashi.gov.cn", "沙市区人民政府办公室",
     "湖北省荆州市沙市区", "否"],
    [3, "0421000014", "荆州经济技术开发区", "https://www.jing-zhou.gov.cn/index.html",
     "荆州开发区管委会", "湖北省荆州市", "是"],
]


def write_csv(path: Path, rows: list[list[object]], encoding: str, sep: str = ",") -> Path:
    text = "\r\n".join(sep.join("" if c is None else str(c) for c in row) for row in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]], title: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "网站名单"
    if title:
        ws.append([title])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_gbk_csv_as_saved_by_excel(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "sites.csv", [HEADER_CN, *ROWS_CN], "gbk")
    sites = read_sites(path)
    assert [s.site_code for s in sites] == ["4210030010", "4210020003", "0421000014"]
    first = sites[0]
    assert first.name == "荆州区人民政府"
    assert first.url == "http://www.jingzhouqu.gov.cn/"
    assert first.organiser == "荆州区人民政府办公室"
    assert first.region == "湖北省荆州市荆州区"
    assert first.portal is True and first.input_error is None
    assert sites[1].url == "http://www.shashi.gov.cn/"  # scheme added
    assert sites[1].portal is False
    assert sites[2].url == "https://www.jing-zhou.gov.cn/index.html"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "sites.csv", [HEADER_CN, *ROWS_CN], encoding,
                     sep="\t" if encoding == "utf-16" else ",")
    sites = read_sites(path)
    assert [s.name for s in sites] == ["荆州区人民政府", "沙市区人民政府", "荆州经济技术开发区"]


def test_gb18030_only_characters(tmp_path: Path) -> None:
    # 䶮 is outside GBK: a GB18030 file is still read correctly.
    rows = [["网站名称", "网址"], ["䶮山镇人民政府", "www.yanshan.gov.cn"]]
    (site,) = read_sites(write_csv(tmp_path / "s.csv", rows, "gb18030"))
    assert site.name == "䶮山镇人民政府"


def test_xlsx_with_title_row_numbers_and_english_headers(tmp_path: Path) -> None:
    rows = [
        ["Site_Code", " Name ", "URL", "Organiser", "REGION", "Portal", "Aliases"],
        [3301000001.0, "杭州市人民政府", "https://www.hangzhou.gov.cn/", "杭州市人民政府办公厅",
         "浙江省杭州市", "yes", "hangzhou.gov.cn；http://hz.gov.cn/"],
        [3301000002, "杭州市教育局", "edu.hangzhou.gov.cn", None, "浙江省杭州市", True, None],
        ["'0571000003", "某某局", "http://www.mm.gov.cn:8080", None, None, "N", None],
    ]
    path = write_xlsx(tmp_path / "registry.xlsx", rows, title="2024年第二季度政府网站检查名单")
    sites = read_sites(path)
    assert [s.site_code for s in sites] == ["3301000001", "3301000002", "0571000003"]
    assert sites[0].aliases == ("hangzhou.gov.cn", "hz.gov.cn")
    assert sites[0].portal is True and sites[1].portal is True and sites[2].portal is False
    assert sites[1].url == "http://edu.hangzhou.gov.cn/"
    assert sites[1].organiser is None
    assert sites[2].url == "http://www.mm.gov.cn:8080/"


def test_xlsx_chinese_header_variants(tmp_path: Path) -> None:
    rows = [
        ["网站标识码（必填）", "网站 名称", "网站地址", "主办单位名称", "所属地区", "是否为门户网", "别名"],
        ["4210030010", "荆州区人民政府", "http://www.jingzhouqu.gov.cn/", "办公室", "荆州区", "是",
         "jingzhouqu.gov.cn，jzq.gov.cn"],
    ]
    (site,) = read_sites(write_xlsx(tmp_path / "r.xlsx", rows))
    assert (site.site_code, site.name, site.region, site.portal) == (
        "4210030010", "荆州区人民政府", "荆州区", True)
    assert site.aliases == ("jingzhouqu.gov.cn", "jzq.gov.cn")


@pytest.mark.parametrize("header", ["网址", "网站地址", "域名", "URL", "首页地址"])
def test_url_header_synonyms(tmp_path: Path, header: str) -> None:
    path = write_csv(tmp_path / "s.csv", [["网站名称", header], ["某县政府", "www.x.gov.cn"]], "utf-8")
    (site,) = read_sites(path)
    assert site.url == "http://www.x.gov.cn/"


@pytest.mark.parametrize(
    ("raw", "portal"),
    [("是", True), ("否", False), ("YES", True), ("no", False), ("True", True), ("false", False),
     ("1", True), ("0", False), ("Y", True), ("n", False), ("", None), ("不详", None)],
)
def test_portal_values(tmp_path: Path, raw: str, portal: bool | None) -> None:
    path = write_csv(tmp_path / "s.csv", [["url", "portal"], ["www.x.gov.cn", raw]], "utf-8")
    (site,) = read_sites(path)
    assert site.portal is portal


def test_bad_rows_become_site_errors_others_still_read(tmp_path: Path) -> None:
    rows = [
        HEADER_CN,
        ROWS_CN[0],
        [2, "4210220025", "公安县人民政府", "", "公安县政府办", "公安县", "是"],
        [3, "4210220026", "石首市人民政府", "http://www. shishou .gov.cn", "", "", "是"],
        [4, "4210220027", "监利市人民政府", "ftp://www.jianli.gov.cn/", "", "", "是"],
        [5, "4210220028", "洪湖市人民政府", "网站已关停", "", "", "否"],
        [None, None, None, None, None, None, None],
        [6, "4210220029", "松滋市人民政府", "javascript:alert(1)", "", "", "否"],
        ["", "", "", "", "", "", ""],
        [7, "4210220030", "江陵县人民政府", "http://www.jiangling.gov.cn（已迁移）", "", "", "否"],
        ROWS_CN[1],
    ]
    sites = read_sites(write_xlsx(tmp_path / "r.xlsx", rows))
    assert [s.name for s in sites] == ["荆州区人民政府", "公安县人民政府", "石首市人民政府",
                                       "监利市人民政府", "洪湖市人民政府", "松滋市人民政府",
                                       "江陵县人民政府", "沙市区人民政府"]
    ok = [s for s in sites if s.input_error is None]
    assert [s.name for s in ok] == ["荆州区人民政府", "沙市区人民政府"]
    by_name = {s.name: s for s in sites}
    assert "empty URL" in by_name["公安县人民政府"].input_error
    assert "空格" in by_name["石首市人民政府"].input_error
    assert "ftp" in by_name["监利市人民政府"].input_error
    assert by_name["监利市人民政府"].url == "ftp://www.jianli.gov.cn/"  # as given
    assert by_name["洪湖市人民政府"].input_error is not None
    assert "javascript" in by_name["松滋市人民政府"].input_error
    assert by_name["江陵县人民政府"].input_error is not None
    for s in sites:
        if s.input_error:
            assert "\n" not in s.input_error
            assert any("\u4e00" <= ch <= "\u9fff" for ch in s.input_error)  # Chinese
            assert "(" in s.input_error  # and English


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("www.x.gov.cn", "http://www.x.gov.cn/"),
        ("  https://www.x.gov.cn/col/index.html?a=1\u3000", "https://www.x.gov.cn/col/index.html?a=1"),
        ("HTTP://WWW.X.GOV.CN", "http://WWW.X.GOV.CN/"),
        ("//www.x.gov.cn/", "http://www.x.gov.cn/"),
        ("127.0.0.1:8080", "http://127.0.0.1:8080/"),
        ("http://政府.中国/", "http://政府.中国/"),
    ],
)
def test_normalise_good_urls(raw: str, expected: str) -> None:
    assert normalise_site_url(raw) == (expected, None)


@pytest.mark.parametrize(
    "raw", ["", "   ", "http://", "http://x", "mailto:ban@x.gov.cn", "http://www.x.gov.cn:99999/",
            "http://a b.gov.cn/", "http://www..gov.cn/", "http://-bad-.gov.cn/", "无"])
def test_normalise_bad_urls(raw: str) -> None:
    url, error = normalise_site_url(raw)
    assert error is not None


def test_site_code_forms(tmp_path: Path) -> None:
    rows = [["网站标识码", "url"], ["3301000001.0", "a.gov.cn"], ["3.301000001E+09", "b.gov.cn"],
            ["0571000003", "c.gov.cn"], ["", "d.gov.cn"]]
    sites = read_sites(write_csv(tmp_path / "s.csv", rows, "utf-8"))
    assert [s.site_code for s in sites] == ["3301000001", "3301000001", "0571000003", None]


def test_header_only_file_gives_no_sites(tmp_path: Path) -> None:
    assert read_sites(write_csv(tmp_path / "s.csv", [HEADER_CN], "utf-8")) == []


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SitesFileError, match="不存在"):
        read_sites(tmp_path / "nope.csv")


def test_no_url_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "s.csv", [["网站名称", "备注"], ["某县政府", "无"]], "gbk")
    with pytest.raises(SitesFileError, match="首页地址") as err:
        read_sites(path)
    assert "\n" not in str(err.value)


def test_not_csv_or_xlsx(tmp_path: Path) -> None:
    png = tmp_path / "sites.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100))
    with pytest.raises(SitesFileError):
        read_sites(png)
    xls = tmp_path / "sites.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
    with pytest.raises(SitesFileError, match="xls"):
        read_sites(xls)
    broken = tmp_path / "sites.xlsx"
    broken.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(SitesFileError, match="XLSX"):
        read_sites(broken)
    fake = tmp_path / "fake.xlsx"
    fake.write_text("url\nwww.x.gov.cn\n")
    with pytest.raises(SitesFileError, match="XLSX"):
        read_sites(fake)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(SitesFileError, match="空文件"):
        read_sites(empty)
    with pytest.raises(SitesFileError, match="目录"):
        read_sites(tmp_path)


def test_xlsx_renamed_to_csv_is_still_read(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "r.xlsx", [["url"], ["www.x.gov.cn"]])
    renamed = path.rename(tmp_path / "r.csv")
    (site,) = read_sites(renamed)
    assert site.url == "http://www.x.gov.cn/"


def test_registry_column_categories_override_the_name_rules(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["网站标识码", "网站名称", "首页地址", "栏目分类"])
    ws.append(["3311230001", "青山县人民政府", "http://www.qingshan.gov.cn/",
               "图片新闻=其他；http://www.qingshan.gov.cn/zwgk/gsgg/=notice"])
    ws.append(["3311230002", "青山县教育局", "http://jyj.qingshan.gov.cn/", "通知公告=notise"])
    path = tmp_path / "sites.xlsx"
    wb.save(path)
    good, typo = read_sites(path)
    assert good.column_overrides == (("图片新闻", "other"), ("http://www.qingshan.gov.cn/zwgk/gsgg/", "notice"))
    assert good.input_error is None
    # A typo in a category is that row's error (one line, naming it), never a silent default.
    assert typo.input_error is not None and "通知公告=notise" in typo.input_error


def test_services_column_marks_sites_without_services(tmp_path: Path) -> None:
    path = tmp_path / "部门网站.csv"
    path.write_text(
        "网站标识码,网站名称,首页地址,是否门户,是否有办事服务\n"
        "bm29000002,国家税务总局网站,http://www.chinatax.gov.cn/,是,是\n"
        "bm63000001,国家航天局网站,http://www.cnsa.gov.cn/,是,无\n"
        "bm07000001,工业和信息化部网站,http://www.miit.gov.cn/,是,\n",
        encoding="gb18030",
    )
    assert [s.services for s in read_sites(path)] == [True, False, None]
