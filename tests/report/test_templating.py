"""Compiled report templates are kept between runs, and a bad cache never stops a report."""

from __future__ import annotations

import os
import subprocess
import sys

_RENDER = """
from govinspect.models import RunResult, SiteResult, SiteSpec
from govinspect.report.html import render_report_html
run = RunResult(version="0.1.0", as_of="2024-06-15T00:00:00+08:00", profile="gov2019",
                sites=[SiteResult(spec=SiteSpec(url="http://www.qingshan.gov.cn/", name="青山县人民政府"))])
html = render_report_html(run)
assert "青山县人民政府" in html, html[:200]
print("ok")
"""


def _render_in_fresh_process(cache: str) -> str:
    env = {**os.environ, "GOVINSPECT_CACHE_DIR": cache}
    out = subprocess.run([sys.executable, "-c", _RENDER], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_the_report_template_is_compiled_once_and_read_back(tmp_path):
    assert _render_in_fresh_process(str(tmp_path)) == "ok"
    cached = list((tmp_path / "jinja2").glob("__jinja2_*.cache"))
    assert len(cached) == 1
    stamp = cached[0].stat().st_mtime_ns
    assert _render_in_fresh_process(str(tmp_path)) == "ok"
    assert cached[0].stat().st_mtime_ns == stamp  # read, not written again


def test_a_damaged_cache_file_only_costs_the_compile(tmp_path):
    assert _render_in_fresh_process(str(tmp_path)) == "ok"
    (cached,) = (tmp_path / "jinja2").glob("__jinja2_*.cache")
    cached.write_bytes(cached.read_bytes()[:40])  # cut mid-way, as by a full disk
    assert _render_in_fresh_process(str(tmp_path)) == "ok"


def test_a_cache_place_that_is_not_a_directory_only_costs_the_compile(tmp_path):
    (tmp_path / "jinja2").write_text("not a directory")
    assert _render_in_fresh_process(str(tmp_path)) == "ok"


def test_reports_render_with_the_cache_off():
    assert _render_in_fresh_process("off") == "ok"
