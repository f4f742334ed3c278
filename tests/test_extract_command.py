"""`govinspect extract`: what the analyser sees on a stored page, as JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PAGES = Path(__file__).parent / "fixtures" / "pages"


def run_extract(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govinspect", "extract", *args],
                          capture_output=True, text=True, timeout=60)


def test_extract_reads_a_gbk_file_and_lists_its_links_as_json():
    page = PAGES / "portal_home_trs_gbk.html"
    proc = run_extract(str(page), "--json", "-")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    for key in ("source", "encoding", "page_type", "title", "published", "items", "footer", "letters",
                "guide", "text_errors", "illegal", "privacy", "links"):
        assert key in data
    assert data["encoding"] == "gb18030"
    assert "人民政府" in data["title"]
    assert data["links"] and all({"url", "kind", "hidden"} <= set(link) for link in data["links"])
    assert any(link["kind"] == "image" for link in data["links"])


def test_extract_of_several_files_gives_an_array_and_a_missing_file_exits_1(tmp_path):
    page = PAGES / "portal_home_trs_gbk.html"
    proc = run_extract(str(page), str(page), "--json", "-")
    assert proc.returncode == 0
    assert isinstance(json.loads(proc.stdout), list)
    proc = run_extract(str(tmp_path / "missing.html"))
    assert proc.returncode == 1
    assert "missing.html" in proc.stderr


def test_base_url_resolves_a_saved_page_as_on_its_site():
    page = PAGES / "trs_tzgg_notice_list.html"
    proc = run_extract(str(page), "--json", "-", "--base-url", "http://www.qingshan.gov.cn/xxgk/tzgg/index.html")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["items"] and all(i["url"].startswith("http://www.qingshan.gov.cn/xxgk/tzgg/") for i in data["items"])


def test_extract_shows_why_a_column_reads_as_it_does():
    url = "http://www.qingshan.gov.cn/xwzx/gzdt/"
    proc = run_extract(str(PAGES / "trs_list_createpagehtml_only.html"), "--base-url", url, "--as-of", "2024-06-15",
                       "--json", "-")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["page_type"] == "list"
    cols = data["columns"]
    assert cols["column_name"] == "工作动态"
    assert [c["name"] for c in cols["breadcrumb"]] == ["首页", "新闻中心", "工作动态"]
    assert cols["list"] == {"items": 4, "latest": "2024-06-14", "undated_items": 0}
    assert cols["script_pages"][-1] == url + "index_3.html"
    assert [c["name"] for c in cols["sub_nav"]] == ["工作动态", "部门动态", "乡镇动态"]
    assert data["items"][0]["date_source"] == "text"


def test_extract_shows_a_pages_integrity_problems_as_an_inspection_sees_them():
    from govinspect.sandbox import build_province, run_in_thread, truth

    province = build_province(seed=1, n_sites=12)
    expected = truth(province)["sites"]
    hacked, leaks = province.sites[8], province.sites[7]
    article = next(e["page"] for e in expected[7]["privacy"] if e["page"].endswith(".html"))
    with run_in_thread(province) as server:
        resolve = [f"{s.host}:80:127.0.0.1:{server.port}" for s in (hacked, leaks)]
        proc = run_extract(hacked.home_url, article, "--offline", "--allow-private", "--as-of", "2024-06-15",
                           "--json", "-", *[a for r in resolve for a in ("--resolve", r)])
    assert proc.returncode == 0, proc.stderr
    home, page = json.loads(proc.stdout)
    want = sorted((e["kind"], e["target"] or "") for e in expected[8]["illegal"] if e["page"] == hacked.home_url)
    assert sorted((e["kind"], e["target"] or "") for e in home["illegal"]) == want
    assert all(e["page"] == hacked.home_url and e["evidence"] for e in home["illegal"])
    want = sorted((e["kind"], e["masked_value"]) for e in expected[7]["privacy"] if e["page"] == article)
    assert sorted((e["kind"], e["masked_value"]) for e in page["privacy"]) == want
    assert page["text_errors"] == [] and page["illegal"] == [] and page["secret_marks"] == []


def test_extract_finds_nothing_on_a_page_condemning_gambling():
    proc = run_extract(str(Path(__file__).parent / "fixtures" / "illegal" / "article_condemn_gambling_gbk.html"),
                       "--json", "-")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert (data["text_errors"], data["illegal"], data["privacy"], data["secret_marks"]) == ([], [], [], [])
