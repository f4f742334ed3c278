"""bulletin.xlsx and bulletin.html carry the same tables; the HTML draws its charts inline."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from campaign_data import AS_OF, campaign_sites, site
from openpyxl import load_workbook

from govinspect.campaign.aggregate import summarise
from govinspect.report.bulletin import build_bulletin, write_bulletin
from govinspect.report.bulletin.text import TemplateError, load_template, problem_types

DATE = dt.date(2024, 6, 20)


def _write(tmp_path, sites=None, template=None):
    template = template or load_template()
    summary = summarise(campaign_sites() if sites is None else sites, problem_types(template), as_of=AS_OF,
                        profile="gov2019")
    return write_bulletin(build_bulletin(summary, template, date=DATE), tmp_path)


def test_workbook_has_one_sheet_per_attachment_with_title_and_header(tmp_path):
    wb = load_workbook(_write(tmp_path)[1])
    assert wb.sheetnames == ["附件1 各地区检查情况", "附件2 不合格网站名单", "附件3 各网站检查情况", "问题类型"]
    regions = wb["附件1 各地区检查情况"]
    assert regions["A1"].value.startswith("附件1")
    assert [c.value for c in regions[2]][:8] == [
        "序号", "单位", "检查网站数", "合格网站数", "不合格网站数", "未评分网站数", "无法检查网站数", "合格率"]
    assert [c.value for c in regions[3]][:8] == [1, "荆州市", 4, 3, 1, 0, 0, "75.0%"]
    assert regions.freeze_panes == "A3"
    failing = wb["附件2 不合格网站名单"]
    assert [c.value for c in failing[2]] == ["序号", "单位", "网站名称", "网站标识码", "存在的突出问题"]
    assert failing["D3"].value == "4210000014"  # a 网站标识码 stays text
    sites = wb["附件3 各网站检查情况"]
    assert [c.value for c in sites[2]] == ["序号", "网站标识码", "单位名称", "是否门户", "网址", "存在的问题", "结果"]
    assert sites.max_row == 2 + 10


def test_html_has_both_charts_inline_and_nothing_fetched(tmp_path):
    html = _write(tmp_path)[2].read_text(encoding="utf-8")
    assert html.count("<svg") == 2
    assert 'id="chart-rates"' in html and 'id="chart-problems"' in html
    rates = html[html.index('id="chart-rates"'):html.index("</figure>", html.index('id="chart-rates"'))]
    assert "荆州市" in rates and "75.0%" in rates and "未评分，暂不计算" in rates
    problems = html[html.index('id="chart-problems"'):]
    assert "链接不可用" in problems and "首页更新不及时" in problems
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # no CDN, no remote font
    for header in ("存在的突出问题", "网站标识码", "合格率"):
        assert header in html


def test_html_escapes_names_taken_from_the_registry(tmp_path):
    evil = site("4210009999", '<script>alert(1)</script>局', "荆州市", verdict="fail",
                findings=[{"indicator": "veto.columns_not_updated.blank", "veto": True, "points": 0,
                           "measure": {}, "message": "空白栏目<b>6</b>个，单项否决"}])
    html = _write(tmp_path, [evil])[2].read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<b>6</b>" not in html


def test_a_campaign_without_failures_says_so(tmp_path):
    ok = [site("4210030010", "荆州区人民政府", "荆州市", verdict="pass", score=95)]
    html = _write(tmp_path, ok)[2].read_text(encoding="utf-8")
    assert "本次抽查未发现不合格网站" in html
    assert "100%" in html


def test_template_file_overrides_keys_and_rejects_unknown_ones(tmp_path):
    custom = tmp_path / "t.yaml"
    custom.write_text("issuer: 宝鸡市人民政府办公室\nscope: 全市\nrectify_days: 7\n", encoding="utf-8")
    template = load_template(custom)
    paths = _write(tmp_path / "out", template=template)
    html = paths[2].read_text(encoding="utf-8")
    assert "宝鸡市人民政府办公室关于2024年第二季度全市政府网站抽查情况的通报" in html
    assert "于2024年6月27日前" in html
    bad = tmp_path / "bad.yaml"
    bad.write_text("isuer: 某某\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="unknown keys isuer"):
        load_template(bad)
    broken = tmp_path / "broken.yaml"
    broken.write_text("title: '{{ nosuchvar }}'\n", encoding="utf-8")
    with pytest.raises(TemplateError, match="nosuchvar"):
        _write(tmp_path / "x", template=load_template(broken))
