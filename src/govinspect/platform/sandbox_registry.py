"""Registering the simulated province (its regions and sites) for demonstrations and tests."""

from __future__ import annotations

from django.db import transaction

from govinspect.platform.audit import acting_as
from govinspect.platform.registry.models import Organiser, Region, Site
from govinspect.platform.registry.regions import load_regions, sandbox_region_pairs


@transaction.atomic
def register_sandbox(seed: int = 1, n_sites: int = 12) -> int:
    """Create the province's regions and sites (idempotent); returns how many sites are new."""
    from govinspect.sandbox.build import build_province

    with acting_as(None):
        load_regions(sandbox_region_pairs(seed))
        created = 0
        for s in build_province(seed=seed, n_sites=n_sites).sites:
            region = Region.objects.get(code=s.site_code[:6])
            organiser, _ = Organiser.objects.get_or_create(name=s.organiser, defaults={"region": region})
            _, made = Site.objects.get_or_create(site_code=s.site_code, defaults={
                "name": s.name, "url": s.home_url, "region": region, "organiser": organiser, "portal": s.portal,
                "aliases": "\n".join(s.aliases),
            })
            created += made
    return created
