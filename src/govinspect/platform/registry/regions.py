"""Loading the region tree (GB/T 2260 codes) from data files and from the simulated province."""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path

import yaml
from django.db import transaction

from govinspect.platform.registry.models import Region
from govinspect.yamlfiles import load_yaml

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "regions.yaml"


class RegionFileError(ValueError):
    """A region file that cannot be used; the message is one line."""


def _parent_code(code: str) -> str | None:
    """Parent in the tree: county 610302 → 610300, city 610300 → 610000, 429004 → 420000."""
    if code.endswith("0000"):
        return None
    if code.endswith("00") or code[2:4] == "90":  # 省直辖县级行政区 (429004) hang on the province
        return code[:2] + "0000"
    return code[:4] + "00"


def _level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


@transaction.atomic
def load_regions(pairs: Iterable[tuple[str, str]]) -> int:
    """Create or rename regions from (code, name) pairs, parents first; returns how many are new."""
    created = 0
    for code, name in sorted(pairs):
        if len(code) != 6 or not code.isdigit():
            raise RegionFileError(f"行政区划代码“{code}”应为6位数字")
        parent_code = _parent_code(code)
        parent = Region.objects.filter(code=parent_code).first() if parent_code else None
        if parent is None and parent_code and parent_code[:2] + "0000" != parent_code:
            parent = Region.objects.filter(code=parent_code[:2] + "0000").first()
        full = (parent.full_name if parent else "") + name
        region, made = Region.objects.get_or_create(
            code=code, defaults={"name": name, "full_name": full, "level": _level(code), "parent": parent}
        )
        created += made
        if not made and (region.name, region.full_name, region.parent_id) != (name, full, parent and parent.pk):
            region.name, region.full_name, region.parent = name, full, parent
            region.save()
    return created


def read_region_file(path: Path) -> list[tuple[str, str]]:
    """(code, name) pairs from a YAML file shaped like data/regions.yaml."""
    try:
        data = load_yaml(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise RegionFileError(f"地区文件 {path} 无法读取：{err}") from None
    if not isinstance(data, dict) or not isinstance(data.get("regions"), dict):
        raise RegionFileError(f"地区文件 {path} 缺少 regions 表")
    return [(str(code), str(name)) for code, name in data["regions"].items()]


def load_shipped_regions() -> int:
    """The GB/T 2260 subset shipped with govinspect."""
    return load_regions(read_region_file(SHIPPED))


def sandbox_region_pairs(seed: int = 1) -> list[tuple[str, str]]:
    """The simulated province's regions exactly as `sandbox.build_province(seed)` draws them."""
    from govinspect.sandbox import names

    province = names.data()["province"]
    pairs = [(f"{province['code']}0000", province["name"])]
    # build_province draws its areas first from this generator; the same seed gives the same tree.
    for area in names.areas(random.Random(f"{seed}:province")):
        pairs.append((area.code, area.name))
    return pairs
