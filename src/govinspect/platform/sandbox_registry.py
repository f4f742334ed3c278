"""Registering the simulated province (its regions and sites) for demonstrations and tests.

The province is generated from (seed, number of sites); both are kept in `DATA/sandbox.json`
so a campaign started later from the platform can serve the very same sites on loopback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from govinspect.platform.audit import acting_as
from govinspect.platform.registry.models import Organiser, Region, Site
from govinspect.platform.registry.regions import load_regions, sandbox_region_pairs

SANDBOX_FILE = "sandbox.json"


def sandbox_settings_path() -> Path:
    """DATA/sandbox.json: the seed and size of the registered simulated province."""
    return Path(settings.DATA_DIR) / SANDBOX_FILE


@transaction.atomic
def register_sandbox(seed: int = 1, n_sites: int = 12) -> int:
    """Create the province's regions and sites (idempotent); returns how many sites are new."""
    from govinspect.report.files import write_text_atomic
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
    path = sandbox_settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, json.dumps({"seed": seed, "sites": n_sites}) + "\n")
    return created


def registered_sandbox() -> dict[str, Any] | None:
    """{"seed", "sites"} of the registered simulated province, or None when none was registered."""
    try:
        data = json.loads(sandbox_settings_path().read_text(encoding="utf-8"))
        return {"seed": int(data["seed"]), "sites": int(data["sites"])}
    except (OSError, ValueError, KeyError, TypeError):
        return None
