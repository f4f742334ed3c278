"""robots.txt: fetched once per host, parsed with protego, consulted for in-scope fetches.

An operator inspecting their own sites may override it (`--ignore-robots`). A robots.txt that
cannot be fetched, or answers 4xx, allows everything (the common convention); a 5xx answer is
also treated as allow-all but recorded, because a government site's broken robots.txt should
not hide its dead links from the inspector who must check them.
"""

from __future__ import annotations

from dataclasses import dataclass

from protego import Protego

ROBOTS_MAX_BYTES = 512 * 1024


@dataclass(slots=True)
class RobotsRules:
    """The parsed rules for one host (or none), with how they were obtained."""

    parser: Protego | None
    source: str  # "fetched", "absent", "error", "ignored"

    def allows(self, url: str, user_agent: str) -> bool:
        """Whether `url` may be fetched by `user_agent` ('govinspect' token is matched)."""
        if self.parser is None:
            return True
        return bool(self.parser.can_fetch(url, user_agent))

    @property
    def crawl_delay(self) -> float | None:
        """The Crawl-delay for govinspect or '*', if the file sets one."""
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay("govinspect")
        return float(delay) if delay is not None else None


def parse_robots(status: int | None, body: bytes, content_type: str) -> RobotsRules:
    """Build rules from a robots.txt answer."""
    if status is None:
        return RobotsRules(None, "error")
    if status >= 500:
        return RobotsRules(None, "error")
    if status >= 400 or not body:
        return RobotsRules(None, "absent")
    if "html" in content_type:
        # A soft-404 HTML page served at /robots.txt is not a robots file.
        return RobotsRules(None, "absent")
    text = body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
    try:
        return RobotsRules(Protego.parse(text), "fetched")
    except Exception:  # protego is lenient, but a hostile file must not stop a site
        return RobotsRules(None, "error")
