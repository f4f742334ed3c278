"""Load indicator profiles (thresholds, points, messages) from YAML, with inheritance.

A profile is found by name (a file beside this module, e.g. ``gov2019``) or by path (a
provincial file such as ``henan.yaml``). A file may say ``extends: gov2019`` (a name, or a path
relative to itself) and then gives only what differs: scoring values, sections and indicators
are merged field by field; ``indicator.id: null`` removes an inherited indicator. The merged
result is validated by ``schema.validate_profile``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from govinspect.profiles.schema import SchemaError, validate_profile

PROFILE_DIR = Path(__file__).parent
_MAX_EXTENDS = 8


class ProfileError(ValueError):
    """A profile that does not exist, does not parse or does not validate (one-line reason)."""


@dataclass(frozen=True, slots=True)
class ScoringRules:
    """The profile-wide numbers of the scoring model (indicators.md §1.2)."""

    base: float = 100.0
    pass_line: float = 60.0
    bonus_gate: float = 80.0
    bonus_cap: float = 0.0
    # Sites without 办事服务: the service section is skipped, part 2 is out of this base and
    # scaled to `base` (the national 75 × 4/3 rule). None: the profile has no such rule.
    no_service_base: float | None = None
    # Names of the values above that no source confirms (shown in the report's method note).
    unconfirmed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Profile:
    """An indicator profile: its id, display name and per-indicator settings."""

    id: str
    name: str
    indicators: dict[str, dict[str, Any]]
    scoring: ScoringRules = field(default_factory=ScoringRules)
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The chain of files it was read from, the file itself first.
    files: tuple[str, ...] = ()

    def indicator(self, indicator_id: str) -> dict[str, Any] | None:
        """Settings of one indicator, or None when the profile does not score it."""
        return self.indicators.get(indicator_id)

    def service_sections(self) -> frozenset[str]:
        """Sections about 办事服务 (skipped for sites without services)."""
        return frozenset(k for k, s in self.sections.items() if s.get("services"))


def available_profiles() -> list[str]:
    """Names of the profiles shipped with govinspect."""
    return sorted(p.stem for p in PROFILE_DIR.glob("*.yaml"))


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader that refuses a key given twice (the later one would silently win); parsed by
    libyaml when PyYAML has it (the pure-Python parser took ~60 ms for gov2019.yaml)."""


def _mapping_without_duplicates(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise ProfileError(f"line {key_node.start_mark.line + 1}: {key!r} is given twice")
        seen.add(key)
    return yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)


def _resolve(ref: str, relative_to: Path | None) -> Path:
    """A profile reference (shipped name or path) → the file."""
    if ref.endswith((".yaml", ".yml")) or "/" in ref or "\\" in ref:
        path = Path(ref)
        if not path.is_absolute() and relative_to is not None and not path.is_file():
            path = relative_to / path
        if not path.is_file():
            raise ProfileError(f"profile file {ref} not found")
        return path
    path = PROFILE_DIR / f"{ref}.yaml"
    if not path.is_file():
        raise ProfileError(f"unknown profile {ref!r} (available: {', '.join(available_profiles())}, or a path to a .yaml file)")
    return path


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # noqa: S506 (safe loader subclass)
    except ProfileError as exc:
        raise ProfileError(f"{path.name}: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"{path.name}: cannot be read ({exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ProfileError(f"{path.name}: does not parse{where} ({getattr(exc, 'problem', None) or exc})") from None
    if not isinstance(data, dict):
        raise ProfileError(f"{path.name}: a profile is a mapping (id, name, scoring, sections, indicators)")
    return data


def _merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """Child overrides parent: scalars replace, scoring/sections/indicators merge per entry."""
    merged = {k: v for k, v in parent.items() if k not in ("extends",)}
    for key, value in child.items():
        if key == "extends":
            continue
        if key in ("scoring",) and isinstance(value, dict):
            merged[key] = {**(parent.get(key) or {}), **value}
        elif key in ("sections", "indicators") and isinstance(value, dict):
            entries = dict(parent.get(key) or {})
            for entry_id, entry in value.items():
                if entry is None:
                    entries.pop(entry_id, None)
                elif isinstance(entry, dict) and isinstance(entries.get(entry_id), dict):
                    entries[entry_id] = {**entries[entry_id], **entry}
                else:
                    entries[entry_id] = entry
            merged[key] = entries
        else:
            merged[key] = value
    return merged


def _load_merged(path: Path, chain: tuple[Path, ...]) -> tuple[dict[str, Any], tuple[str, ...]]:
    if path.resolve() in chain:
        raise ProfileError(f"{path.name}: 'extends' loops back to itself")
    if len(chain) >= _MAX_EXTENDS:
        raise ProfileError(f"{path.name}: more than {_MAX_EXTENDS} levels of 'extends'")
    data = _read(path)
    parent_ref = data.get("extends")
    if parent_ref is None:
        return data, (str(path),)
    if not isinstance(parent_ref, str):
        raise ProfileError(f"{path.name}: field 'extends' must name a profile or a file")
    parent, files = _load_merged(_resolve(parent_ref, path.parent), chain + (path.resolve(),))
    return _merge(parent, data), (str(path),) + files


def _build(data: dict[str, Any], files: tuple[str, ...]) -> Profile:
    scoring = data["scoring"]
    return Profile(
        id=data["id"],
        name=data["name"],
        indicators={str(k): dict(v) for k, v in data["indicators"].items()},
        scoring=ScoringRules(
            base=float(scoring["base"]),
            pass_line=float(scoring["pass_line"]),
            bonus_gate=float(scoring.get("bonus_gate", scoring["base"])),
            bonus_cap=float(scoring.get("bonus_cap", 0)),
            no_service_base=float(scoring["no_service_base"]) if scoring.get("no_service_base") else None,
            unconfirmed=tuple(scoring.get("unconfirmed") or ()),
        ),
        sections={str(k): dict(v) for k, v in data["sections"].items()},
        files=files,
    )


@lru_cache(maxsize=32)
def _load_cached(path: str, mtime: float) -> Profile:
    file = Path(path)
    data, files = _load_merged(file, ())
    try:
        validate_profile(data, file.name)
    except SchemaError as exc:
        raise ProfileError(str(exc)) from None
    return _build(data, files)


def load_profile(name_or_path: str | Path) -> Profile:
    """Load a profile by shipped name ('gov2019') or by path; raises ProfileError (one line)."""
    path = _resolve(str(name_or_path), None)
    return _load_cached(str(path.resolve()), path.stat().st_mtime)


def profile_reference(name_or_path: str | Path, profile: Profile) -> str:
    """How to find this profile again later: its shipped name, else its absolute path."""
    name = str(name_or_path)
    return name if name in available_profiles() else (profile.files[0] if profile.files else name)
