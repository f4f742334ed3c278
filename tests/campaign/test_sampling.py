"""--sample: shares and counts, split over regions in proportion, the same draw every time."""

from __future__ import annotations

import random
from collections import Counter
from fractions import Fraction

import pytest

from govinspect.campaign.sampling import SampleSpec, SamplingError, parse_sample, select_sites
from govinspect.models import SiteSpec


def registry() -> list[SiteSpec]:
    """A province registry: 长沙 10 sites, 衡阳 6, 省直 4; each city's portal first."""
    out = []
    for region, n, prefix in (("长沙市", 10, "4301"), ("衡阳市", 6, "4304"), ("省直部门", 4, "4300")):
        for i in range(n):
            out.append(SiteSpec(
                url=f"http://s{i}.{prefix}.gov.cn/", site_code=f"{prefix}00{i:04d}", name=f"{region}网站{i}",
                region=region, portal=(i == 0 and region != "省直部门"),
            ))
    return out


@pytest.mark.parametrize(("text", "expected"), [
    (None, SampleSpec()), ("all", SampleSpec()), ("100%", SampleSpec()), ("50%", SampleSpec(share=Fraction(1, 2))),
    ("12.5%", SampleSpec(share=Fraction(1, 8))), ("30", SampleSpec(count=30)), (" 25 % ", SampleSpec(share=Fraction(1, 4))),
])
def test_sample_values_are_read_as_share_count_or_all(text, expected):
    assert parse_sample(text) == expected


@pytest.mark.parametrize("text", ["0%", "150%", "0", "-5", "half", "5x"])
def test_unusable_sample_values_are_refused_with_the_value_named(text):
    with pytest.raises(SamplingError, match="--sample"):
        parse_sample(text)


def test_half_of_each_region_is_drawn_in_proportion():
    chosen = select_sites(registry(), parse_sample("50%"), seed=7)
    assert Counter(s.region for s in chosen) == {"长沙市": 5, "衡阳市": 3, "省直部门": 2}


def test_a_count_is_split_by_largest_remainder_and_adds_up():
    chosen = select_sites(registry(), parse_sample("7"), seed=1)
    # quotas 3.5 / 2.1 / 1.4 → 3 / 2 / 1, the leftover site goes to 长沙 (largest remainder 0.5)
    assert Counter(s.region for s in chosen) == {"长沙市": 4, "衡阳市": 2, "省直部门": 1}


def test_the_draw_is_the_same_for_the_same_seed_whatever_the_row_order():
    specs = registry()
    first = {s.site_code for s in select_sites(specs, parse_sample("50%"), seed=42)}
    shuffled = specs[:]
    random.Random(9).shuffle(shuffled)
    assert {s.site_code for s in select_sites(shuffled, parse_sample("50%"), seed=42)} == first
    others = [{s.site_code for s in select_sites(specs, parse_sample("50%"), seed=n)} for n in range(5)]
    assert len({frozenset(o) for o in others}) > 1  # the seed really changes the draw


def test_selected_sites_keep_registry_order():
    specs = registry()
    chosen = select_sites(specs, parse_sample("40%"), seed=3)
    positions = [specs.index(s) for s in chosen]
    assert positions == sorted(positions)


def test_all_portals_are_inspected_and_the_rest_sampled():
    chosen = select_sites(registry(), parse_sample("25%"), seed=5, all_portals=True)
    assert {s.site_code for s in chosen if s.portal} == {"4301000000", "4304000000"}
    assert len(chosen) == 5  # 25 % of 20, portals included


def test_everything_when_no_sample_and_never_more_than_the_registry():
    specs = registry()
    assert select_sites(specs, parse_sample(None)) == specs
    assert len(select_sites(specs, parse_sample("500"))) == len(specs)
