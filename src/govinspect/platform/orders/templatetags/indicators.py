"""`{{ id|indicator_name }}`: an indicator id as the Chinese name reviewers and owners read.

Names come from the shipped profiles (gov2019 first, then census2015); an id no profile names
is shown as it is, so nothing disappears from a page.
"""

from __future__ import annotations

from functools import lru_cache

from django import template

from govinspect.profiles.loader import available_profiles, load_profile

register = template.Library()

_ORDER = ("gov2019", "census2015")


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    shipped = available_profiles()
    for profile_id in [p for p in _ORDER if p in shipped] + [p for p in shipped if p not in _ORDER]:
        for indicator_id, data in load_profile(profile_id).indicators.items():
            name = data.get("name")
            if name and indicator_id not in names:
                names[indicator_id] = str(name)
    return names


@register.filter
def indicator_name(indicator_id: str) -> str:
    """The indicator's Chinese name, or the id itself when no shipped profile names it."""
    return _names().get(str(indicator_id), str(indicator_id))
