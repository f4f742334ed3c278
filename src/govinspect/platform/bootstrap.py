"""Starting Django from the `govinspect` command: settings from --data, migrations, first data."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["migrate", "setup"]


def setup(data_dir: Path | None = None) -> None:
    """Point the settings at `data_dir` (created if missing) and start Django once."""
    if data_dir is not None:
        data_dir = Path(data_dir).resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
        os.environ["GOVINSPECT_DATA"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govinspect.platform.settings")
    import django

    django.setup()
    from django.utils import translation

    translation.activate("zh-hans")  # command-line messages (password rules …) in Chinese too


def migrate(verbosity: int = 0) -> None:
    """Apply migrations and load the shipped regions (both idempotent)."""
    from django.core.management import call_command

    from govinspect.platform.registry.regions import load_shipped_regions

    call_command("migrate", interactive=False, verbosity=verbosity)
    load_shipped_regions()
