"""results.json follows docs/contract.md exactly: names, types, lists never missing."""

from __future__ import annotations

import io
import json
import math
import os
from datetime import date
from pathlib import Path

from govinspect.models import DeadLink, RunResult, SiteResult, SiteSpec
from govinspect.report import to_results_json, write_results, write_results_stream
from govinspect.report.results import dumps_results

SITE_FIELDS = {
    "site_code": (str, type(None)),
    "name": (str, type(None)),
    "url": (str,),
    "region": (str, type(None)),
    "portal": (bool, type(None)),
    "status": (str,),
    "verdict": (str, type(None)),
    "score": (float, int, type(None)),
    "vetoes": (list,),
    "findings": (list,),
    "stats": (dict,),
    "dead_links": (list,),
    "blocked_links": (list,),
    "homepage": (dict, type(None)),
    "columns": (list,),
    "footer": (dict, type(None)),
    "text_errors": (list,),
    "illegal": (list,),
    "letters": (list,),
    "guides": (list,),
    "privacy": (list,),
    "availability": (dict, type(None)),
}


def test_top_level_shape(run: RunResult) -> None:
    doc = to_results_json(run)
    # The contract's four fields, plus the additive extras of docs/results.md.
    assert set(doc) == {"tool", "as_of", "profile", "sites", "profile_source", "review"}
    assert doc["tool"] == {"name": "govinspect", "version": "0.1.0"}
    assert doc["as_of"] == "2024-06-15T00:00:00+08:00"
    assert doc["profile"] == "gov2019"
    assert len(doc["sites"]) == 4


def test_every_site_has_contract_fields_with_types(run: RunResult) -> None:
    for site in to_results_json(run)["sites"]:
        for name, types in SITE_FIELDS.items():
            assert name in site, name
            assert isinstance(site[name], types), (name, site[name])
        assert site["status"] in ("inspected", "error")
        assert site["verdict"] in ("pass", "fail", None)
        assert set(site["stats"]) >= {"pages", "links_checked", "seconds"}
        assert isinstance(site["stats"]["pages"], int)
        assert isinstance(site["stats"]["links_checked"], int)
        assert isinstance(site["stats"]["seconds"], float)


def test_error_site(run: RunResult) -> None:
    sites = to_results_json(run)["sites"]
    broken = sites[3]
    assert broken["status"] == "error"
    assert broken["error"] == "首页无法访问：域名无法解析 (dns)"
    assert broken["dead_links"] == [] and broken["findings"] == []
    assert broken["homepage"] is None and broken["footer"] is None
    assert broken["availability"] is None
    assert all(s["error"] is None for s in sites[:3])


def test_error_site_without_reason_still_says_why() -> None:
    run = RunResult(version="0.1.0", as_of="2024-06-15T00:00:00+08:00", profile="gov2019",
                    sites=[SiteResult(spec=SiteSpec(url="ftp://x", input_error="不支持的协议 (ftp)"),
                                      status="error")])
    (site,) = to_results_json(run)["sites"]
    assert site["error"] == "不支持的协议 (ftp)"
    assert site["site_code"] is None


def test_dead_links_findings_and_extras(run: RunResult) -> None:
    county = to_results_json(run)["sites"][0]
    assert county["site_code"] == "4210030010" and county["portal"] is True
    assert county["organiser"] == "荆州区人民政府办公室"
    assert county["vetoes"] == ["veto.homepage_not_updated"]
    assert county["score"] is None and county["verdict"] == "fail"
    home = county["dead_links"][0]
    assert {k: home[k] for k in ("source", "target", "status", "reason", "scope", "kind")} == {
        "source": "http://www.jingzhouqu.gov.cn/",
        "target": "http://www.jingzhouqu.gov.cn/zt/2018/index.html",
        "status": 404, "reason": "http_404", "scope": "home", "kind": "page"}
    assert home["anchor"] == "扫黑除恶专项斗争" and home["checked_at"].endswith("+08:00")
    attachment = county["dead_links"][1]
    assert attachment["source_count"] == 5 and len(attachment["sources"]) == 3
    assert county["dead_links"][2]["status"] is None
    blocked = county["blocked_links"][0]
    assert {k: blocked[k] for k in ("source", "target", "status", "reason")} == {
        "source": "http://www.jingzhouqu.gov.cn/", "target": "http://www.gov.cn/",
        "status": 412, "reason": "waf_challenge"}
    finding = county["findings"][0]
    assert set(finding) >= {"indicator", "veto", "points", "measure", "message", "evidence"}
    assert finding["points"] == 0.2 and finding["veto"] is False
    assert finding["evidence"][0] == {"url": "http://www.jingzhouqu.gov.cn/zwgk/tzgg/",
                                      "detail": "链接 /old/2019.doc 返回 404",
                                      "seen_at": "2024-06-14T10:21:33+08:00"}
    assert isinstance(county["findings"][1]["points"], float)
    assert county["counters"]["fetch/status/404"] == 12
    assert county["capture"]["warc"].endswith(".warc.gz")
    assert county["stats"] == {"pages": 312, "links_checked": 4211, "seconds": 187.42}
    shashi = to_results_json(run)["sites"][1]
    assert shashi["score"] == 92.5 and shashi["availability"]["ratio"] == 0.021


def test_odd_values_become_valid_json() -> None:
    site = SiteResult(spec=SiteSpec(url="http://a.gov.cn/"), score=float("nan"),
                      homepage={"latest": date(2024, 6, 1), "items_in_2_weeks": 3},
                      columns=[{"name": "动态", "tags": ("a", "b"), "ratio": math.inf}],
                      dead_links=[DeadLink("http://a.gov.cn/", "http://a.gov.cn/x", 404,
                                           "http_404", "home", "page")])
    run = RunResult(version="0.1.0", as_of="2024-06-15T00:00:00+08:00", profile="gov2019",
                    sites=[site])
    doc = json.loads(dumps_results(run))
    (s,) = doc["sites"]
    assert s["score"] is None
    assert s["homepage"]["latest"] == "2024-06-01"
    assert s["columns"][0]["tags"] == ["a", "b"] and s["columns"][0]["ratio"] is None


def test_file_is_utf8_readable_and_atomic(run: RunResult, tmp_path: Path) -> None:
    target = tmp_path / "out" / "results.json"
    write_results(run, target)
    text = target.read_text("utf-8")
    assert "荆州区人民政府" in text  # ensure_ascii=False
    assert '\n  "tool": {' in text  # indent=2
    assert json.loads(text) == to_results_json(run)
    # No temp files left behind; rewriting replaces in place.
    write_results(run, target)
    assert os.listdir(target.parent) == ["results.json"]


def test_stream_identical_to_file(run: RunResult, tmp_path: Path) -> None:
    target = tmp_path / "results.json"
    write_results(run, target)
    buf = io.StringIO()
    write_results_stream(run, buf)
    assert buf.getvalue() == target.read_text("utf-8")


def test_stream_to_non_utf8_console_writes_utf8_bytes(run: RunResult, tmp_path: Path) -> None:
    raw = io.BytesIO()
    console = io.TextIOWrapper(raw, encoding="gbk")
    write_results_stream(run, console)
    console.flush()
    target = tmp_path / "results.json"
    write_results(run, target)
    assert raw.getvalue() == target.read_bytes()
