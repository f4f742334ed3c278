"""A campaign directory's manifest: what the campaign is, so a re-run can resume it safely.

The manifest fixes what decides the sample and the verdicts (the registry's bytes, T, the
profile, the sample and its seed). Re-running with the same values resumes; re-running with
other values would mix two campaigns in one 通报, so it is refused unless the user asks for a
new campaign.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from govinspect.report.files import write_text_atomic

__all__ = ["MANIFEST_NAME", "CampaignError", "Manifest", "file_sha256", "manifest_differences", "read_manifest",
           "write_manifest"]

MANIFEST_NAME = "campaign.json"
FORMAT = 1
# Fields that must match for a re-run to resume; the others are descriptive.
IDENTITY_FIELDS = ("sites_sha256", "as_of", "profile", "sample", "seed", "all_portals")


class CampaignError(Exception):
    """A campaign cannot run or be reported as asked; ``str(err)`` is a one-line reason."""


@dataclass(slots=True)
class Manifest:
    """What a campaign is; written to ``CAMPAIGN_DIR/campaign.json`` before the first site runs."""

    sites_file: str
    sites_sha256: str
    as_of: str
    profile: str
    sample: str
    seed: int
    all_portals: bool = False
    created: str = ""
    group_by: str = "region"
    registry_count: int = 0  # rows in the registry the sample was drawn from
    # The campaign's site keys, in registry order (file names under sites/).
    selected: list[str] = field(default_factory=list)
    format: int = FORMAT

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (the registry a campaign was drawn from)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(directory: Path) -> Manifest | None:
    """The manifest of a campaign directory, None when there is none yet."""
    path = directory / MANIFEST_NAME
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        known = {k: data[k] for k in Manifest.__dataclass_fields__ if k in data}
        return Manifest(**known)
    except (ValueError, TypeError, KeyError, OSError) as exc:
        raise CampaignError(f"{path}: unreadable campaign manifest ({exc})") from None


def write_manifest(directory: Path, manifest: Manifest) -> None:
    """Write the manifest atomically."""
    write_text_atomic(directory / MANIFEST_NAME, json.dumps(manifest.to_json(), ensure_ascii=False, indent=2) + "\n")


def manifest_differences(old: Manifest, new: Manifest) -> list[str]:
    """The identity fields that differ, as "name: old → new" (empty: the same campaign)."""
    out = []
    for name in IDENTITY_FIELDS:
        a, b = getattr(old, name), getattr(new, name)
        if a != b:
            if name == "sites_sha256":
                out.append("sites file content changed")
            else:
                out.append(f"{name}: {a} → {b}")
    return out
