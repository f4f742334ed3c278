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
