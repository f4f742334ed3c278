"""The disk cache of compiled word lists: same answers as a fresh compile, never a failure."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from govinspect.analyze import misstatements
from govinspect.analyze.buildcache import cache_dir, cached

_PAGE_TEXT = "学习习近平新时代中国特色社会主义思想，贯彻落实习近平新时代中国特色社会主意思想。国务院总理丁薛祥出席会议。"


def _fresh_terms() -> misstatements.CriticalTerms:
    pkg = resources.files("govinspect.data")
    return misstatements._compile(
        misstatements._read_yaml(pkg.joinpath("critical_terms.yaml").read_text("utf-8")),
        misstatements._read_yaml(pkg.joinpath("confusion_chars.yaml").read_text("utf-8")),
    )


def test_cached_critical_terms_find_what_a_fresh_compile_finds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVINSPECT_CACHE_DIR", str(tmp_path))
    misstatements._default_terms.cache_clear()
    try:
        first = misstatements._default_terms()  # compiles and writes the cache
        assert len(list(tmp_path.glob("critical-terms-*.pickle"))) == 1
        misstatements._default_terms.cache_clear()
        second = misstatements._default_terms()  # read back from disk
    finally:
        misstatements._default_terms.cache_clear()
    fresh = _fresh_terms()
    assert second.patterns == fresh.patterns == first.patterns
    assert second.entries == fresh.entries
    found = [(e.found, e.expected, e.kind) for e in second.find(_PAGE_TEXT)]
    assert found == [(e.found, e.expected, e.kind) for e in fresh.find(_PAGE_TEXT)]
    assert ("习近平新时代中国特色社会主意思想", "习近平新时代中国特色社会主义思想", "formulation") in found
    assert ("总理丁薛祥", "丁薛祥副总理", "leader_name") in found


def test_a_damaged_cache_file_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVINSPECT_CACHE_DIR", str(tmp_path))
    calls: list[int] = []

    def build() -> dict[str, int]:
        calls.append(1)
        return {"terms": 3}

    assert cached("demo", [b"v1"], build) == {"terms": 3}
    (path,) = tmp_path.glob("demo-*.pickle")
    path.write_bytes(b"\x80\x05truncated")
    assert cached("demo", [b"v1"], build) == {"terms": 3}
    assert cached("demo", [b"v1"], build) == {"terms": 3}
    assert len(calls) == 2  # built at first, rebuilt once after the damage, then read
    assert cached("demo", [b"v2"], build) == {"terms": 3}  # other inputs, other entry
    assert len(calls) == 3


def test_an_unwritable_cache_directory_only_costs_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("GOVINSPECT_CACHE_DIR", str(blocker / "cache"))
    assert cached("demo", [b"x"], lambda: [1, 2]) == [1, 2]
    monkeypatch.setenv("GOVINSPECT_CACHE_DIR", "off")
    assert cache_dir() is None
    assert cached("demo", [b"x"], lambda: [3]) == [3]


def test_page_analysis_does_not_load_the_http_client() -> None:
    # The analysis worker imports only page analysis; aiohttp costs it ~0.2 s at every start.
    code = "import sys, govinspect.crawl.pageanalysis; print(sorted(m for m in sys.modules if m.startswith('aiohttp')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
