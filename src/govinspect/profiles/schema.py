"""The shape of an indicator profile, checked field by field with one-line errors.

A profile file is data that decides whether a site is published as 不合格, so a typo in it must
stop the run with a sentence naming the file, the indicator and the field, never score
silently with a default. Hand-written rather than JSON Schema: the rules are few, and the
errors read better ("did you mean 'per_item'?").
"""

from __future__ import annotations

import difflib
import string
from typing import Any

KINDS = ("veto", "deduct", "bonus")
CONFIDENCE = ("High", "Medium", "Low")

# rule → the setting that prices or triggers it (None: nothing beyond the finding itself).
RULES: dict[str, dict[str, str | None]] = {
    "veto": {"any": None, "threshold": "threshold", "window": "window_days", "ratio": "threshold"},
    "deduct": {"per_item": "per_item", "per_percent": "per_percent", "fixed": "points"},
    "bonus": {"per_item": "per_item", "fixed": "points"},
}

# What an indicator reads: the output of one check family. A site lists the measures its
# checks took (SiteResult.measured, or inferred: scoring.measures); an indicator whose measure
# was not taken is "not checked". So two indicators share a measure only when one check
# evaluates both. A name not listed here is almost always a typo; a new measure is added here
# and in docs/scoring.md.
MEASURES = frozenset({
    "dead_links", "homepage", "columns", "column_updates", "column_content", "availability",
    "letters", "letter_stats", "surveys", "interviews", "guides", "guide_forms", "services",
    "online_systems", "footer", "metadata", "text_errors", "illegal", "tampering", "secrets",
    "privacy", "domain", "https", "ipv6", "search", "annual_report", "browser", "manual",
})

INDICATOR_FIELDS = frozenset({
    "name", "kind", "section", "measure", "rule", "per_item", "per_percent", "points",
    "threshold", "window_days", "cap", "message", "source", "confidence", "unconfirmed", "note",
})
# Fields a check may read besides the pricing ones (windows, minimum counts, probe settings).
# Other fields are allowed too, unless they look like a misspelt known field.
NUMBER_FIELDS = ("per_item", "per_percent", "points", "threshold", "window_days", "cap")

SCORING_FIELDS = {
    "base": "number", "pass_line": "number", "bonus_gate": "number", "bonus_cap": "number",
    "no_service_base": "number_or_null", "unconfirmed": "list",
}
SECTION_FIELDS = frozenset({"name", "cap", "services", "source", "confidence", "unconfirmed", "note"})


class SchemaError(ValueError):
    """A profile that does not have the required shape; the text names file, indicator, field."""


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _typo_of(key: str, known: frozenset[str] | set[str]) -> str | None:
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.8)
    return close[0] if close else None


def _placeholders(template: str) -> list[str]:
    try:
        return [name for _, name, _, _ in string.Formatter().parse(template) if name]
    except ValueError as exc:
        raise ValueError(f"not a valid template ({exc})") from None


def validate_profile(data: Any, where: str) -> None:
    """Raise SchemaError on the first problem in a merged profile (`where` names the file)."""
    if not isinstance(data, dict):
        raise SchemaError(f"{where}: a profile is a mapping with id, name, scoring, sections, indicators")
    for key in ("id", "name"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise SchemaError(f"{where}: field {key!r} is required (a non-empty text)")
    _validate_scoring(data.get("scoring"), where)
    sections = data.get("sections")
    if not isinstance(sections, dict):
        raise SchemaError(f"{where}: field 'sections' is required (a mapping of section id → name, cap)")
    for section_id, section in sections.items():
        _validate_section(str(section_id), section, where)
    indicators = data.get("indicators")
    if not isinstance(indicators, dict) or not indicators:
        raise SchemaError(f"{where}: field 'indicators' is required (a mapping of indicator id → settings)")
    for indicator_id, settings in indicators.items():
        validate_indicator(str(indicator_id), settings, where, sections=set(map(str, sections)))


def _validate_scoring(scoring: Any, where: str) -> None:
    if not isinstance(scoring, dict):
        raise SchemaError(f"{where}: field 'scoring' is required (base, pass_line, bonus_gate, bonus_cap)")
    for key, value in scoring.items():
        kind = SCORING_FIELDS.get(key)
        if kind is None:
            hint = _typo_of(key, set(SCORING_FIELDS))
            raise SchemaError(f"{where}: scoring: unknown field {key!r}" + (f" (did you mean {hint!r}?)" if hint else ""))
        if kind == "number" and not (_is_number(value) and value >= 0):
            raise SchemaError(f"{where}: scoring: field {key!r} must be a number ≥ 0, got {value!r}")
        if kind == "number_or_null" and value is not None and not (_is_number(value) and value > 0):
            raise SchemaError(f"{where}: scoring: field {key!r} must be a number > 0 or null, got {value!r}")
        if kind == "list" and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise SchemaError(f"{where}: scoring: field {key!r} must be a list of field names")
    for key in ("base", "pass_line"):
        if key not in scoring:
            raise SchemaError(f"{where}: scoring: field {key!r} is required")
    if scoring["pass_line"] > scoring["base"]:
        raise SchemaError(f"{where}: scoring: pass_line {scoring['pass_line']} is above base {scoring['base']}")


def _validate_section(section_id: str, section: Any, where: str) -> None:
    if not isinstance(section, dict):
        raise SchemaError(f"{where}: section {section_id}: expected a mapping with name and cap")
    for key in section:
        if key not in SECTION_FIELDS:
            hint = _typo_of(str(key), SECTION_FIELDS)
            raise SchemaError(f"{where}: section {section_id}: unknown field {key!r}"
                              + (f" (did you mean {hint!r}?)" if hint else ""))
    if not isinstance(section.get("name"), str):
        raise SchemaError(f"{where}: section {section_id}: field 'name' is required")
    cap = section.get("cap")
    if cap is not None and not (_is_number(cap) and cap >= 0):
        raise SchemaError(f"{where}: section {section_id}: field 'cap' must be a number ≥ 0 or null, got {cap!r}")


def validate_indicator(indicator_id: str, settings: Any, where: str, *, sections: set[str]) -> None:
    """Raise SchemaError when one indicator's settings are incomplete or inconsistent."""
    at = f"{where}: indicator {indicator_id}"
    if not isinstance(settings, dict):
        raise SchemaError(f"{at}: expected a mapping of settings, got {type(settings).__name__}")
    for key in settings:
        if key not in INDICATOR_FIELDS:
            hint = _typo_of(str(key), INDICATOR_FIELDS)
            if hint:
                raise SchemaError(f"{at}: unknown field {key!r} (did you mean {hint!r}?)")
    for key in ("name", "kind", "measure", "rule", "message", "source", "confidence"):
        if key not in settings:
            raise SchemaError(f"{at}: field {key!r} is required")
    kind = settings["kind"]
    if kind not in KINDS:
        raise SchemaError(f"{at}: field 'kind' must be one of {', '.join(KINDS)}, got {kind!r}")
    prefix = indicator_id.split(".", 1)[0]
    if prefix in KINDS and prefix != kind:
        raise SchemaError(f"{at}: field 'kind' is {kind!r} but the id says {prefix!r}")
    if settings["measure"] not in MEASURES:
        hint = _typo_of(str(settings["measure"]), MEASURES)
        raise SchemaError(f"{at}: field 'measure': unknown measure {settings['measure']!r}"
                          + (f" (did you mean {hint!r}?)" if hint else " (known measures: schema.MEASURES)"))
    rule = settings["rule"]
    if rule not in RULES[kind]:
        raise SchemaError(f"{at}: field 'rule' must be one of {', '.join(RULES[kind])} for a {kind}, got {rule!r}")
    priced_by = RULES[kind][rule]
    if priced_by is not None and priced_by not in settings:
        raise SchemaError(f"{at}: rule {rule!r} needs field {priced_by!r} (null when the value is unconfirmed)")
    for key in NUMBER_FIELDS:
        value = settings.get(key)
        if value is not None and not (_is_number(value) and value >= 0):
            raise SchemaError(f"{at}: field {key!r} must be a number ≥ 0 or null, got {value!r}")
    if kind == "veto" and settings.get("cap") is not None:
        raise SchemaError(f"{at}: field 'cap' does not apply to a veto")
    if kind != "veto":
        if "section" not in settings:
            raise SchemaError(f"{at}: field 'section' is required for a {kind}")
    section = settings.get("section")
    if section is not None and str(section) not in sections:
        raise SchemaError(f"{at}: field 'section': unknown section {section!r} (sections: {', '.join(sorted(sections))})")
    if settings["confidence"] not in CONFIDENCE:
        raise SchemaError(f"{at}: field 'confidence' must be one of {', '.join(CONFIDENCE)}, got {settings['confidence']!r}")
    if "unconfirmed" in settings and not isinstance(settings["unconfirmed"], bool):
        raise SchemaError(f"{at}: field 'unconfirmed' must be true or false")
    for key in ("name", "message", "source"):
        if not isinstance(settings[key], str) or not settings[key].strip():
            raise SchemaError(f"{at}: field {key!r} must be a non-empty text")
    try:
        names = _placeholders(settings["message"])
    except ValueError as exc:
        raise SchemaError(f"{at}: field 'message' is {exc}") from None
    unpriced = kind != "veto" and priced_by is not None and settings.get(priced_by) is None
    if unpriced and "points" in names:
        raise SchemaError(f"{at}: field 'message' says {{points}} but the value ({priced_by}) is null (unconfirmed)")
    if unpriced and not settings.get("unconfirmed"):
        raise SchemaError(f"{at}: {priced_by} is null: mark the indicator 'unconfirmed: true' or give the value")
