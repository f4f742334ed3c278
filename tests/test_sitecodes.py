"""网站标识码 validation shared by the engine and the platform."""

from __future__ import annotations

from govinspect.sitecodes import region_prefix, site_code_error


def test_real_codes_from_bulletins_are_accepted() -> None:
    for code in ("4210030010", "4300000047", "4305110001", "4313820002", "bm17000001", "BM61000003"):
        assert site_code_error(code) is None, code


def test_malformed_codes_are_refused_with_a_reason() -> None:
    assert "格式不正确" in (site_code_error("421003001") or "")
    assert "格式不正确" in (site_code_error("42100300101") or "")
    assert "格式不正确" in (site_code_error("4210O30010") or "")
    assert "格式不正确" in (site_code_error("bm1700001") or "")
    assert "前两位" in (site_code_error("0421000014") or "")
    assert site_code_error("  ") == "网站标识码为空"


def test_code_must_sit_on_the_branch_of_the_sites_region() -> None:
    assert site_code_error("4210030010", "421003") is None  # its own county
    assert site_code_error("4210000003", "421003") is None  # a city code for a site in one of its counties
    assert site_code_error("4210030010", "421000") is None  # a county code under its city
    assert site_code_error("4210030010", "420000") is None
    assert "不符" in (site_code_error("4210020003", "421003") or "")  # another county of the same city
    assert "不符" in (site_code_error("6103020001", "421003") or "")  # another province


def test_region_prefix() -> None:
    assert region_prefix("610000") == "61"
    assert region_prefix("610300") == "6103"
    assert region_prefix("610302") == "610302"
