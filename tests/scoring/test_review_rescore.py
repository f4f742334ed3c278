"""Human review: the run's review sheet, edited by an inspector, decides what re-scoring counts."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from govinspect.checks.freshness import freshness_findings
from govinspect.checks.links import link_findings
from govinspect.inspect import _write_site_partial, site_keys
from govinspect.models import DeadLink, RunResult, SiteResult, SiteSpec
from govinspect.profiles.loader import load_profile
from govinspect.runner import write_outputs
from govinspect.scoring.rescore import rescore_dir, write_review_sheets
from govinspect.scoring.review import ReviewFileError, read_review
from govinspect.scoring.site import score_result

T = date(2024, 6, 15)
PROFILE = load_profile("gov2019")


def _blank_column(host: str, name: str, path: str) -> dict:
    return {"name": name, "url": f"{host}{path}", "category": "other", "first_level": False, "latest": None,
            "items": 0, "state": "blank", "window_days": 365, "undated_items": 0, "newest": None,
            "future_items": [], "seen_at": "2024-06-14T10:03:00+08:00"}


def _site(code: str, name: str, host: str, *, blank: int, dead_other: int, portal: bool) -> SiteResult:
    spec = SiteSpec(url=f"{host}/", site_code=code, name=name, region="云溪市", portal=portal)
    result = SiteResult(spec=spec, pages=180, links_checked=2400, seconds=42.0)
    result.dead_links = [
        DeadLink(source=f"{host}/zwgk/zcwj/index_{i}.html", target=f"{host}/attach/2021/{i}.doc", status=404,
                 reason="http_404", scope="other", kind="attachment", checked_at="2024-06-14T10:05:00+08:00")
        for i in range(dead_other)
    ]
    result.columns = [
        _blank_column(host, n, p) for n, p in
        [("人事信息", "/zwgk/rsxx/"), ("规划计划", "/zwgk/ghjh/"), ("财政资金", "/zwgk/czzj/"),
         ("应急管理", "/zwgk/yjgl/"), ("建议提案", "/zwgk/jyta/"), ("专题专栏", "/ztzl/")][:blank]
    ]
    result.homepage = {"latest": "2024-06-13", "items_in_2_weeks": 12, "items": 40}
    result.findings = link_findings(result.dead_links, PROFILE) + freshness_findings(
        result.homepage, result.columns, PROFILE, as_of=T, home_url=spec.url)
    score_result(result, PROFILE)
    return result


@pytest.fixture()
def run_dir(tmp_path: Path) -> Path:
    run = RunResult(version="test", as_of="2024-06-15T00:00:00+08:00", profile="gov2019", profile_source="gov2019")
    run.sites = [
        _site("9901000001", "云溪市人民政府", "http://www.yunxi.gov.cn", blank=6, dead_other=12, portal=True),
        _site("9901000002", "云溪市交通运输局", "http://jtj.yunxi.gov.cn", blank=1, dead_other=37, portal=False),
    ]
    out = tmp_path / "run"
    (out / "sites").mkdir(parents=True)
    for key, site in zip(site_keys([s.spec for s in run.sites]), run.sites):
        _write_site_partial(out / "sites" / f"{key}.json", site)
    write_outputs(run, out, None)
    write_review_sheets(run, PROFILE, out)
    return out


def _results(out: Path) -> dict:
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_an_inspection_marks_every_finding_unreviewed(run_dir: Path):
    data = _results(run_dir)
    portal = data["sites"][0]
    assert (portal["verdict"], portal["score"], portal["vetoes"]) == ("fail", None, ["veto.columns_not_updated.blank"])
    assert all(f["review"] == {"decision": "unreviewed"} and len(f["id"]) == 12 for f in portal["findings"])
    assert portal["scoring"]["review"]["unreviewed"] == 2
    department = data["sites"][1]
    assert (department["verdict"], department["score"]) == ("pass", 96.3)


def test_the_review_sheet_has_one_row_per_finding(run_dir: Path):
    with (run_dir / "findings-review.csv").open(encoding="utf-8-sig", newline="") as fp:
        rows = list(csv.DictReader(fp))
    assert [r["指标"] for r in rows] == [
        "deduct.design.links_other_dead", "veto.columns_not_updated.blank", "deduct.design.links_other_dead"]
    veto = rows[1]
    assert (veto["网站名称"], veto["类型"], veto["问题描述"]) == ("云溪市人民政府", "单项否决", "空白栏目6个，单项否决")
    assert veto["证据地址"] == "http://www.yunxi.gov.cn/zwgk/rsxx/"
    assert veto["审核结论（确认/驳回）"] == ""
    ws = load_workbook(run_dir / "findings-review.xlsx").active
    assert [c.value for c in ws[1]][:3] == ["编号", "网站标识码", "网站名称"]
    assert ws.max_row == 4


def _decide_in_xlsx(path: Path, decisions: dict[str, tuple[str, str]]) -> None:
    wb = load_workbook(path)
    ws = wb.active
    header = [c.value for c in ws[1]]
    col_indicator, col_site = header.index("指标") + 1, header.index("网站名称") + 1
    col_decision, col_reason = header.index("审核结论（确认/驳回）") + 1, header.index("理由") + 1
    for row in range(2, ws.max_row + 1):
        key = f"{ws.cell(row, col_site).value}|{ws.cell(row, col_indicator).value}"
        if key in decisions:
            ws.cell(row, col_decision).value, ws.cell(row, col_reason).value = decisions[key]
    wb.save(path)


def test_dismissing_the_veto_in_the_xlsx_turns_the_verdict(run_dir: Path):
    _decide_in_xlsx(run_dir / "findings-review.xlsx", {
        "云溪市人民政府|veto.columns_not_updated.blank": ("驳回", "6个栏目均为已撤并栏目的历史页面，人工核实不计入"),
        "云溪市人民政府|deduct.design.links_other_dead": ("确认", ""),
    })
    summary = rescore_dir(run_dir)
    assert summary.review_file.endswith("findings-review.xlsx")
    portal = _results(run_dir)["sites"][0]
    assert (portal["verdict"], portal["score"], portal["vetoes"]) == ("pass", 98.8, [])
    (dismissed,) = portal["dismissed"]
    assert dismissed["indicator"] == "veto.columns_not_updated.blank"
    assert dismissed["review"] == {"decision": "dismissed", "reason": "6个栏目均为已撤并栏目的历史页面，人工核实不计入"}
    assert [f["review"]["decision"] for f in portal["findings"]] == ["confirmed"]
    assert _results(run_dir)["review"]["dismissed"] == 1
    # The per-site file a campaign resumes from says the same.
    site_file = json.loads((run_dir / "sites" / "9901000001.json").read_text(encoding="utf-8"))
    assert (site_file["verdict"], site_file["dismissed"][0]["id"]) == ("pass", dismissed["id"])


def test_rescoring_is_idempotent_and_a_decision_can_be_reversed(run_dir: Path):
    _decide_in_xlsx(run_dir / "findings-review.xlsx", {
        "云溪市人民政府|veto.columns_not_updated.blank": ("驳回", "误报"),
    })
    rescore_dir(run_dir)
    first = (run_dir / "results.json").read_bytes()
    rescore_dir(run_dir)
    assert (run_dir / "results.json").read_bytes() == first
    _decide_in_xlsx(run_dir / "findings-review.xlsx", {
        "云溪市人民政府|veto.columns_not_updated.blank": ("确认", ""),
    })
    rescore_dir(run_dir)
    portal = _results(run_dir)["sites"][0]
    assert (portal["verdict"], portal["vetoes"], portal["dismissed"]) == ("fail", ["veto.columns_not_updated.blank"], [])


def test_only_confirmed_findings_decide_when_asked(run_dir: Path):
    rescore_dir(run_dir, only_confirmed=True)
    data = _results(run_dir)
    portal, department = data["sites"]
    # Nothing is confirmed yet: the veto is pending, not published.
    assert (portal["verdict"], portal["score"]) == ("pass", 100.0)
    assert len(portal["scoring"]["review"]["pending"]) == 2
    assert department["score"] == 100.0


def test_the_csv_edited_in_excel_as_gbk_is_read(run_dir: Path, tmp_path: Path):
    with (run_dir / "findings-review.csv").open(encoding="utf-8-sig", newline="") as fp:
        rows = list(csv.reader(fp))
    for row in rows[1:]:
        if row[4] == "deduct.design.links_other_dead" and row[2] == "云溪市交通运输局":
            row[11], row[12], row[13] = "驳回", "附件已迁移至新平台，链接经人工核实可访问", "张三"
    edited = tmp_path / "审核结果.csv"
    with edited.open("w", encoding="gb18030", newline="") as fp:
        csv.writer(fp).writerows(rows)
    rescore_dir(run_dir, review=edited)
    department = _results(run_dir)["sites"][1]
    assert (department["verdict"], department["score"], department["findings"]) == ("pass", 100.0, [])
    assert department["dismissed"][0]["review"]["reviewer"] == "张三"


@pytest.mark.parametrize(
    ("decision", "reason", "expected"),
    [
        ("驳回", "", "row 3: 驳回 needs a reason in the 理由 column"),
        ("好的", "", "row 3: 审核结论 '好的' is neither 确认 nor 驳回"),
    ],
)
def test_a_bad_review_row_fails_with_one_line(run_dir: Path, decision, reason, expected):
    _decide_in_xlsx(run_dir / "findings-review.xlsx", {
        "云溪市人民政府|veto.columns_not_updated.blank": (decision, reason)})
    before = (run_dir / "results.json").read_bytes()
    with pytest.raises(ReviewFileError) as err:
        rescore_dir(run_dir)
    assert str(err.value).startswith("findings-review.xlsx ") and expected in str(err.value)
    assert (run_dir / "results.json").read_bytes() == before  # nothing half-written


def test_a_file_without_a_decision_column_is_refused(tmp_path: Path):
    path = tmp_path / "notes.csv"
    path.write_text("编号,备注\nabc,看过了\n", encoding="utf-8")
    with pytest.raises(ReviewFileError, match="notes.csv: no 审核结论 \\(decision\\) column"):
        read_review(path)


def test_rescore_command_with_another_profile_and_its_errors(run_dir: Path, tmp_path: Path):
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "govinspect", *args], capture_output=True, text=True, timeout=120)

    done = cli("rescore", str(run_dir), "--profile", "census2015")
    assert done.returncode == 0, done.stderr
    assert "重新评分完成（census2015）" in done.stderr
    data = _results(run_dir)
    assert data["profile"] == "census2015"
    assert data["sites"][1]["findings"][0]["message"] == "非首页死链接37条，扣3.7分"
    missing = cli("rescore", str(tmp_path / "nowhere"))
    assert missing.returncode == 2
    assert missing.stderr.strip().endswith("no results.json (not a govinspect output directory)")
    assert missing.stderr.count("\n") == 1
    refused = cli("review", str(run_dir))
    assert refused.returncode == 2 and "exists (it may hold decisions)" in refused.stderr


def test_finding_id_does_not_depend_on_the_order_the_evidence_arrived():
    # Two crawls of one site read its pages in different orders; a review sheet made on one
    # must still find the finding by id in the other.
    from govinspect.scoring.review import finding_id

    evidence = [
        {"url": "http://www.qingshan.gov.cn/xxgk/", "detail": "失效链接 /old.doc（HTTP 404）"},
        {"url": "http://www.qingshan.gov.cn/zwgk/", "detail": None},
        {"url": "http://www.qingshan.gov.cn/", "detail": "失效链接 /a.html（HTTP 404）"},
    ]
    measure = {"count": 3}
    first = finding_id("http://www.qingshan.gov.cn/", "deduct.design.links_other_dead", measure, evidence)
    again = finding_id("http://www.qingshan.gov.cn/", "deduct.design.links_other_dead", measure, evidence[::-1])
    assert first == again
    other = finding_id("http://www.qingshan.gov.cn/", "deduct.design.links_other_dead", measure, evidence[:2])
    assert other != first
