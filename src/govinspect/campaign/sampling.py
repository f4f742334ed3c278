"""Which sites a campaign (抽查批次) inspects: all, a share or a count, stratified by region.

Provinces sample every region in proportion (按比例抽查) and often inspect every portal
(门户网站全覆盖). The draw is deterministic in (sites, sample, seed) and independent of the row
order of the registry, so a resumed or repeated campaign picks exactly the same sites.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from fractions import Fraction

from govinspect.models import SiteSpec

__all__ = ["SampleSpec", "SamplingError", "parse_sample", "region_of", "select_sites"]

UNKNOWN_REGION = "未填写地区"

_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[%％]\s*$")
_COUNT = re.compile(r"^\s*(\d+)\s*$")


class SamplingError(ValueError):
    """An unusable --sample value; ``str(err)`` is a one-line reason."""


@dataclass(frozen=True, slots=True)
class SampleSpec:
    """All sites (both None), a share of them (`share` in (0, 1]) or a number of them."""

    share: Fraction | None = None
    count: int | None = None

    def __str__(self) -> str:
        if self.share is not None:
            return f"{float(self.share) * 100:g}%"
        if self.count is not None:
            return str(self.count)
        return "all"


def parse_sample(text: str | None) -> SampleSpec:
    """``None``/"all"/"100%" → all sites; "50%" → half; "30" → thirty sites."""
    if text is None or text.strip().lower() in ("", "all", "全部"):
        return SampleSpec()
    m = _PERCENT.match(text)
    if m:
        share = Fraction(m.group(1))
        if not 0 < share <= 100:
            raise SamplingError(f"--sample {text!r}: a share must be above 0% and at most 100%")
        return SampleSpec() if share == 100 else SampleSpec(share=share / 100)
    m = _COUNT.match(text)
    if m:
        count = int(m.group(1))
        if count < 1:
            raise SamplingError(f"--sample {text!r}: the number of sites must be at least 1")
        return SampleSpec(count=count)
    raise SamplingError(f"--sample {text!r}: expected a share such as 50% or a number of sites such as 30")


def region_of(spec: SiteSpec) -> str:
    """The region a site is counted under (its registry 地区, or a visible placeholder)."""
    return (spec.region or "").strip() or UNKNOWN_REGION


def _identity(spec: SiteSpec) -> str:
    """What orders sites before shuffling, so the registry's row order does not matter."""
    return f"{spec.site_code or ''}|{spec.url}"


def _apportion(total: int, sizes: dict[str, int]) -> dict[str, int]:
    """Split `total` over the strata in proportion to their sizes (largest remainder method)."""
    n = sum(sizes.values())
    quotas = {r: Fraction(total * size, n) for r, size in sizes.items()}
    out = {r: math.floor(q) for r, q in quotas.items()}
    left = total - sum(out.values())
    # Ties go to the larger stratum, then to the region name: deterministic, and fair to big regions.
    for r in sorted(quotas, key=lambda r: (-(quotas[r] - out[r]), -sizes[r], r))[:left]:
        out[r] += 1
    return out


def select_sites(
    specs: list[SiteSpec], sample: SampleSpec, *, seed: int = 0, all_portals: bool = False
) -> list[SiteSpec]:
    """The sites of the campaign, in registry order.

    The sample is stratified by region: each region gets its proportional share of the total
    (rounded by the largest-remainder method) and its sites are drawn at random with a
    generator seeded by (seed, region). With `all_portals`, every portal is inspected and the
    sample is drawn from the other sites (the total then includes the portals).
    """
    if sample.share is None and sample.count is None:
        return list(specs)
    fixed = [s for s in specs if all_portals and s.portal]
    pool = [s for s in specs if not (all_portals and s.portal)]
    if sample.share is not None:
        wanted = max(1, math.floor(sample.share * len(specs) + Fraction(1, 2)))
    else:
        wanted = sample.count or 0
    wanted = min(len(specs), wanted)
    from_pool = max(0, wanted - len(fixed))
    strata: dict[str, list[SiteSpec]] = {}
    for spec in pool:
        strata.setdefault(region_of(spec), []).append(spec)
    chosen: set[int] = {id(s) for s in fixed}
    if from_pool and pool:
        quotas = _apportion(from_pool, {r: len(v) for r, v in strata.items()})
        for region, members in strata.items():
            ordered = sorted(members, key=_identity)
            random.Random(f"{seed}:{region}").shuffle(ordered)
            chosen.update(id(s) for s in ordered[: quotas[region]])
    return [s for s in specs if id(s) in chosen]
