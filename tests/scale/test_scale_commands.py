"""The distributed commands refuse an unusable configuration with a one-line reason (exit 2)."""

from __future__ import annotations

from typer.testing import CliRunner

from govinspect.cli import app


def test_worker_without_a_store_is_a_usage_error(monkeypatch):
    monkeypatch.delenv("GOVINSPECT_DATABASE_URL", raising=False)
    result = CliRunner().invoke(app, ["worker"])
    assert result.exit_code == 2
    assert "GOVINSPECT_DATABASE_URL is not set" in result.output


def test_distributed_campaign_with_an_unreachable_store_is_a_usage_error(monkeypatch, tmp_path):
    monkeypatch.setenv("GOVINSPECT_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    sites = tmp_path / "sites.csv"
    sites.write_text("网站标识码,网站名称,首页地址,地区\n9901000001,甲,http://www.a.gov.cn/,甲市\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["campaign", "run", "--sites", str(sites), "--out", str(tmp_path / "c"),
                                      "--as-of", "2024-06-15", "--distributed", "--quiet"])
    assert result.exit_code == 2
    assert "cannot reach the store" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_evidence_prune_needs_a_place(monkeypatch):
    monkeypatch.delenv("GOVINSPECT_EVIDENCE", raising=False)
    result = CliRunner().invoke(app, ["evidence", "prune"])
    assert result.exit_code == 2
    assert "GOVINSPECT_EVIDENCE" in result.output
