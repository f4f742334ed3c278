"""网站标识码 (site identification code) syntax, shared by the engine and the platform.

Real codes seen in published 通报 and site footers are either ten digits — the six-digit
administrative code (GB/T 2260) of the region the site is registered under, then a four-digit
serial (4210030010, 4300000047) — or ``bm`` plus eight digits for department sites
(bm17000001). The format is inferred from real footers, not from an official specification
(indicators.md §6.7), so only what every real code obeys is enforced.
"""

from __future__ import annotations

import re

__all__ = ["code_region_prefix", "region_prefix", "site_code_error"]

_DIGITS10 = re.compile(r"\d{10}")
_BM = re.compile(r"bm\d{8}")
# First two digits of every province-level code in GB/T 2260 (99: the simulated province).
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 99".split()
)


def region_prefix(region_code: str) -> str:
    """The code prefix shared by a region's subtree: 610000 → 61, 610300 → 6103, 610302 → 610302."""
    code = region_code.strip()
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def code_region_prefix(site_code: str) -> str | None:
    """The region prefix a ten-digit site code names (4210030010 → 421003), or None for bm codes."""
    if _DIGITS10.fullmatch(site_code):
        return region_prefix(site_code[:6])
    return None


def site_code_error(site_code: str, region_code: str | None = None) -> str | None:
    """Why `site_code` is not a usable 网站标识码 (one Chinese sentence), or None when it is.

    With `region_code`, a ten-digit code must name the same branch of the region tree as the
    site's region (the site's region inside the code's region, or the other way round): a
    county site may carry its city's code, but never another county's.
    """
    code = site_code.strip()
    if not code:
        return "网站标识码为空"
    if _BM.fullmatch(code.lower()):
        return None
    if not _DIGITS10.fullmatch(code):
        return f"网站标识码“{code}”格式不正确，应为10位数字或“bm”加8位数字"
    if code[:2] not in _PROVINCES:
        return f"网站标识码“{code}”的前两位不是省级行政区划代码"
    if region_code:
        mine, theirs = region_prefix(code[:6]), region_prefix(region_code)
        if not (mine.startswith(theirs) or theirs.startswith(mine)):
            return f"网站标识码“{code}”与所属地区（{region_code}）的行政区划代码不符"
    return None
