"""Command-line arguments: --resolve and --as-of as the contract says; bad input exits 2 in one line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from govinspect.cli import UsageError, parse_as_of, parse_resolve


def test_resolve_maps_host_and_port_to_an_ip():
    assert parse_resolve(["www.qingshan.gov.cn:80:127.0.0.1"]) == {("www.qingshan.gov.cn", 80): ("127.0.0.1", 80)}


def test_resolve_address_may_carry_its_own_port():
    assert parse_resolve(["www.qingshan.gov.cn:80:127.0.0.1:8181"]) == {
        ("www.qingshan.gov.cn", 80): ("127.0.0.1", 8181)
    }
    assert parse_resolve(["WWW.X.GOV.CN:443:[::1]:8443"]) == {("www.x.gov.cn", 443): ("::1", 8443)}
    assert parse_resolve(["www.x.gov.cn:443:[::1]"]) == {("www.x.gov.cn", 443): ("::1", 443)}


@pytest.mark.parametrize("bad", ["www.x.gov.cn", "www.x.gov.cn:80", "www.x.gov.cn:http:1.2.3.4",
                                 "www.x.gov.cn:80:not-an-ip", "www.x.gov.cn:99999:1.2.3.4"])
def test_unusable_resolve_is_a_usage_error(bad: str):
    with pytest.raises(UsageError):
        parse_resolve([bad])


def test_as_of_date_is_midnight_in_china():
    assert parse_as_of("2024-06-15").isoformat() == "2024-06-15T00:00:00+08:00"


def test_as_of_iso_with_other_zone_is_converted_to_china():
    assert parse_as_of("2024-06-14T16:30:00Z").isoformat() == "2024-06-15T00:30:00+08:00"


def test_as_of_garbage_is_a_usage_error():
    with pytest.raises(UsageError):
        parse_as_of("next tuesday")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "govinspect", *args], capture_output=True, text=True, timeout=60)


def test_bad_as_of_on_the_command_line_exits_2_with_one_line(tmp_path):
    proc = run_cli("inspect", "http://www.qingshan.gov.cn/", "--as-of", "yesterday", "--out", str(tmp_path))
    assert proc.returncode == 2
    assert "--as-of" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_no_sites_exits_2(tmp_path):
    proc = run_cli("inspect", "--out", str(tmp_path), "--quiet")
    assert proc.returncode == 2
    assert "no sites" in proc.stderr


def test_unknown_profile_exits_2(tmp_path):
    proc = run_cli("inspect", "http://www.qingshan.gov.cn/", "--profile", "gov1999", "--out", str(tmp_path))
    assert proc.returncode == 2
    assert "gov1999" in proc.stderr


def test_unknown_check_scope_exits_2_with_one_line(tmp_path):
    proc = run_cli("inspect", "http://www.qingshan.gov.cn/", "--checks", "deadlinks", "--out", str(tmp_path))
    assert proc.returncode == 2
    assert "--checks" in proc.stderr and "links" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "results.json").exists()


def test_unreadable_previous_run_exits_2_with_one_line(tmp_path):
    broken = tmp_path / "results.json"
    broken.write_text("{not json", encoding="utf-8")
    proc = run_cli("inspect", "http://www.qingshan.gov.cn/", "--previous", str(broken), "--out", str(tmp_path / "o"))
    assert proc.returncode == 2
    assert "--previous" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_missing_sites_file_exits_2(tmp_path):
    proc = run_cli("inspect", "--sites", str(tmp_path / "nope.xlsx"), "--out", str(tmp_path))
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1


def test_json_path_in_a_missing_directory_is_refused_before_crawling(tmp_path):
    proc = run_cli("inspect", "http://www.qingshan.gov.cn/", "--offline", "--json", str(tmp_path / "no" / "r.json"),
                   "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    assert "--json" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_help_lists_every_command_and_commands_of_other_modules_load_only_when_named():
    # `inspect` must not pay for importing the sandbox, campaign, platform and scale commands;
    # the help and those commands themselves still work as if they were mounted up front.
    probe = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from govinspect.cli import app\n"
        "runner = CliRunner()\n"
        "r = runner.invoke(app, ['version'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in sys.modules if m.startswith(('govinspect.sandbox', 'govinspect.campaign'))))\n"
        "r = runner.invoke(app, ['sandbox', 'truth', '--help'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print('govinspect.sandbox.cli' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "True"], out.stdout + out.stderr
    help_text = subprocess.run([sys.executable, "-m", "govinspect", "--help"], capture_output=True, text=True,
                               timeout=120, check=True).stdout
    names = [line.split()[1] for line in help_text.splitlines() if line.startswith("│ ") and line.split()[1].isascii()
             and not line.split()[1].startswith("-") and line[2] != " "]
    assert names == ["inspect", "monitor", "demo", "extract", "rescore", "review", "version",
                     "serve", "worker", "scheduler", "sandbox", "campaign", "admin", "evidence"]
