"""Word lists of the simulated province, loaded once from `data/sandbox_names.yaml`.

The lists are data, not code, so later issues can grow them (leader names, typos, guide
elements) without touching the generator.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from importlib import resources
from typing import Any

from govinspect.yamlfiles import load_yaml


@functools.lru_cache(maxsize=1)
def data() -> dict[str, Any]:
    """The parsed word lists (cached for the life of the process)."""
    text = resources.files("govinspect.data").joinpath("sandbox_names.yaml").read_text("utf-8")
    return load_yaml(text)


@dataclass(frozen=True, slots=True)
class Area:
    """A city (市) or county/district (县/区) of the province."""

    name: str  # full name, e.g. 青山县
    short: str  # without the suffix, e.g. 青山
    pinyin: str  # host label, e.g. qingshan
    code: str  # 6-digit fictional administrative code
    level: str  # "city" | "county"
    city: str  # full name of the city it belongs to (itself for a city)


@dataclass(frozen=True, slots=True)
class Department:
    """A government department type."""

    name: str  # 发展和改革委员会
    prefix: str  # host label: fgw
    short: str  # 发改委


def departments() -> list[Department]:
    """The department catalogue in its fixed order."""
    return [Department(n, p, s) for n, p, s in data()["departments"]]


def two_char_names(rng: random.Random) -> list[tuple[str, str]]:
    """All composable two-character place names with unique pinyin, shuffled by `rng`."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for a, pa in data()["area_first"]:
        for b, pb in data()["area_second"]:
            py = pa + pb
            if py in seen or a == b:
                continue
            seen.add(py)
            out.append((a + b, py))
    rng.shuffle(out)
    return out


def areas(rng: random.Random) -> list[Area]:
    """Cities and their counties, in province order (each city followed by its counties).

    County names are drawn without repetition from the composable names; pinyin collisions
    with city names are skipped so every host is unique.
    """
    prov = data()["province"]["code"]
    pool = two_char_names(rng)
    city_pinyin = {py for _, py in data()["cities"]}
    pool = [(n, py) for n, py in pool if py not in city_pinyin]
    out: list[Area] = []
    take = 0
    for ci, (cname, cpy) in enumerate(data()["cities"]):
        city = cname + "市"
        ccode = f"{prov}{ci + 1:02d}00"
        out.append(Area(city, cname, cpy, ccode, "city", city))
        n_counties = 6 + rng.randrange(5)
        for k in range(n_counties):
            if take >= len(pool):
                break
            name, py = pool[take]
            take += 1
            suffix = "区" if k == 0 else "县"
            out.append(Area(name + suffix, name, py, f"{prov}{ci + 1:02d}{k + 1:02d}", "county", city))
    # Anything left over becomes further counties of the last cities, so big provinces
    # (1,000+ sites) still get distinct names.
    k = 20
    while take < len(pool):
        ci = take % len(data()["cities"])
        cname = data()["cities"][ci][0] + "市"
        name, py = pool[take]
        take += 1
        out.append(Area(name + "县", name, py, f"{prov}{ci + 1:02d}{k % 100:02d}", "county", cname))
        k += 1
    return out
