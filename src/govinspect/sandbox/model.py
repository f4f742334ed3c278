"""The data model of the simulated province: sites made of columns made of items.

Everything a page shows, and therefore every link the ground truth counts, is derived from
these objects. Items are generated lazily per column (see `content.py`), the URL index of a
site lazily on first request (see `routing.py`), so building 1,000 sites stays cheap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from govinspect.sandbox.defects import DefectPlan
    from govinspect.sandbox.external import ExternalHost
    from govinspect.sandbox.integrity import IntegrityPlan
    from govinspect.sandbox.pages import PageSpec
    from govinspect.sandbox.routing import Outcome
    from govinspect.sandbox.templates.base import Family

Mode = Literal["live", "static"]
PageKey = tuple[Any, ...]

DEFAULT_AS_OF = dt.date(2024, 6, 15)
DEFAULT_SLOW_SECONDS = 2.5


@dataclass(slots=True, frozen=True)
class Link:
    """One link of a page, as the model knows it.

    `url` is the absolute, normalised target; `raw` (when set) is written verbatim instead of
    the href the template would compute (used for the relative-link bug trap).
    """

    url: str
    text: str = ""
    tag: str = "a"  # a | area | img | frame | iframe | link | script
    title: str | None = None
    date: dt.date | None = None
    raw: str | None = None
    srcset2x: str | None = None  # a second image URL listed in srcset


@dataclass(slots=True, frozen=True)
class Resource:
    """What the server answers for one path: the single routing decision that both the
    server and the ground truth read."""

    kind: str  # page | file | redirect | challenge | rate_limited | not_found
    key: PageKey = ()  # page key, or (file kind, ext)
    status: int = 200
    location: str | None = None  # redirects: the Location header as written
    behaviour: str | None = None  # slow | rate_limited_then_ok
    head_405: bool = False  # HEAD answered 405 (GET still 200)
    trap: str | None = None  # calendar | session_id | repeating_path | endless_pagination
    challenge: str | None = None  # ruishu_412 | js_403 | jsl_521


@dataclass(slots=True, frozen=True)
class Attachment:
    """A document attached to an article."""

    path: str  # normalised path on the site
    ext: str
    label: str  # what the page shows, e.g. 附件1：申报表.xls


@dataclass(slots=True, eq=False)
class Item:
    """One entry of a column: an article, a notice, a letter, a guide…"""

    id: int
    column: Column
    index: int  # 0 = newest
    title: str
    published: dt.datetime
    source: str
    path: str = ""
    attachments: tuple[Attachment, ...] = ()
    images: tuple[str, ...] = ()  # normalised image paths
    # Letters (sandbox/pagesplan.py): when answered (None: not yet) and the status shown.
    answered: dt.date | None = None
    status: str = ""
    # Guides: elements left out of the page, and elements shown with an empty value.
    guide_omitted: tuple[str, ...] = ()
    guide_empty: tuple[str, ...] = ()

    @property
    def date(self) -> dt.date:
        """The publication date."""
        return self.published.date()


@dataclass(slots=True, eq=False)
class Column:
    """A 栏目: either a channel (has children) or a list of items (a leaf)."""

    index: int
    key: str
    name: str
    category: str  # news | notice | policy | should_update | static | interaction | service | other
    parent: Column | None
    col_id: int  # numeric id used by CMSs that number columns
    n_items: int = 0
    images: bool = False  # items usually carry a picture (图片新闻)
    children: list[Column] = field(default_factory=list)
    items_cache: list[Item] | None = None
    # Freshness plan (sandbox/freshness.py): days before T of the newest item (None: the
    # catalogue's usual range), a first item dated this many days after T, dates not shown.
    newest_age: int | None = None
    future_days: int | None = None
    dates_hidden: bool = False
    gap_days: tuple[int, int] | None = None  # days between items, instead of the catalogue's

    @property
    def is_leaf(self) -> bool:
        """A leaf column lists items; a channel shows its children."""
        return not self.children

    @property
    def depth(self) -> int:
        """1 for a first-level column."""
        d, c = 1, self.parent
        while c is not None:
            d, c = d + 1, c.parent
        return d

    def lineage(self) -> list[Column]:
        """From the first-level ancestor down to this column."""
        out: list[Column] = []
        c: Column | None = self
        while c is not None:
            out.append(c)
            c = c.parent
        return out[::-1]

    def key_path(self) -> str:
        """Directory-style path of keys, e.g. `xxgk/tzgg`."""
        return "/".join(c.key for c in self.lineage())


@dataclass(slots=True)
class Footer:
    """What the footer of every page states (the later footer checks compare against this)."""

    organiser: str
    undertaker: str
    address: str
    phone: str
    email: str
    icp: str
    psb: str
    psb_code: str
    conac_id: str
    shown_code: str = ""  # the 网站标识码 the footer prints, when it is not the registered one


@dataclass(eq=False)
class SimSite:
    """One government website of the province."""

    province: Province
    index: int
    host: str
    aliases: tuple[str, ...]
    name: str
    site_code: str
    organiser: str
    region: str
    portal: bool
    template: str  # trs | hanweb | generic | asp
    encoding: str  # the real encoding of the bytes: utf-8 | gbk
    declared_charset: str | None  # what the <meta> says (None: nothing declared)
    header_charset: str | None  # what Content-Type says (None: no charset parameter)
    columns: list[Column]  # every column, parents before children
    roles: tuple[str, ...]  # special behaviours (see defects.ROLES)
    footer: Footer
    link_style: str  # relative | root | absolute: how internal hrefs are written
    page_size: int
    body_chars: tuple[int, int]
    related_count: int
    home_block_size: int
    big: bool = False
    freshness: str = "fresh"  # the freshness scenario (sandbox/freshness.py)
    home_nav_only: bool = False  # the homepage is only navigation (no blocks of items)
    pages_scenario: str = "good"  # letters/guides/footer scenario (sandbox/pagesplan.py)
    area_name: str = ""  # 青山县 / 云溪市
    area_short: str = ""  # 青山 / 云溪
    towns: tuple[str, ...] = ()
    dept_short: str = ""
    # Site-level scenarios (sandbox/sitescenarios.py): HTTPS certificate, IPv6, site search,
    # annual-report link, and old hosts that forward here (the registry still names the first).
    https: str = "none"  # valid | expired | wrong_host | self_signed | none
    ipv6: bool = False
    search: str = "works"  # works | error_500 | empty_index | none (no search form at all)
    annual_report: str = "missing"  # current | current_title | current_short | old_year | missing
    old_hosts: tuple[str, ...] = ()

    # -- identity -----------------------------------------------------------------------

    @property
    def seed_key(self) -> str:
        """Prefix of every random stream of this site."""
        return f"{self.province.seed}:{self.index}"

    @property
    def origin(self) -> str:
        """scheme://host[:port] of the site as its pages write it."""
        return f"http://{self.host}{self.province.port_suffix}"

    @property
    def home_url(self) -> str:
        """The site URL (the homepage): link scope `home` means links on exactly this page."""
        return self.origin + "/"

    @property
    def registered_url(self) -> str:
        """The homepage address the registry (sites file) gives: an old host when it moved."""
        if self.old_hosts:
            return f"http://{self.old_hosts[0]}{self.province.port_suffix}/"
        return self.home_url

    def url(self, path: str) -> str:
        """Absolute URL of a path on this site."""
        return self.origin + path

    @property
    def hostnames(self) -> tuple[str, ...]:
        """The site's own hosts (links to anything else are `external`)."""
        return (self.host, *self.aliases)

    @cached_property
    def family(self) -> Family:
        """The template family that writes this site's URLs and pages."""
        from govinspect.sandbox.templates import family

        return family(self.template)

    # -- structure ----------------------------------------------------------------------

    @property
    def top_columns(self) -> list[Column]:
        """First-level columns, in navigation order."""
        return [c for c in self.columns if c.parent is None]

    @property
    def leaf_columns(self) -> list[Column]:
        """Columns that list items."""
        return [c for c in self.columns if c.is_leaf]

    def column_by_key(self, key: str) -> Column | None:
        """The first column with this key."""
        for c in self.columns:
            if c.key == key:
                return c
        return None

    def items(self, column: Column) -> list[Item]:
        """The items of a leaf column, newest first (generated on first use)."""
        if column.items_cache is None:
            from govinspect.sandbox.content import generate_items

            column.items_cache = generate_items(self, column)
        return column.items_cache

    def item_by_id(self, item_id: int) -> Item | None:
        """An item by its id (ids encode the column, see `content.item_id`)."""
        from govinspect.sandbox.content import locate_item

        return locate_item(self, item_id)

    def list_pages(self, column: Column) -> int:
        """Number of list pages of a leaf column (1 even when blank)."""
        return max(1, -(-column.n_items // self.page_size))

    # -- lazily derived ----------------------------------------------------------------

    @cached_property
    def plan(self) -> DefectPlan:
        """The seeded defects and hostile behaviours of this site."""
        from govinspect.sandbox.defects import plan_defects

        return plan_defects(self)

    @cached_property
    def integrity(self) -> IntegrityPlan:
        """The seeded content-integrity problems and traps of this site (sandbox/integrity.py)."""
        from govinspect.sandbox.integrity import plan_integrity

        return plan_integrity(self)

    @property
    def defects(self) -> DefectPlan:
        """Alias of `plan`."""
        return self.plan

    @cached_property
    def resources(self) -> dict[str, Resource]:
        """path?query → what the server answers (built on first use)."""
        from govinspect.sandbox.routing import build_index

        return build_index(self)

    def lookup(self, path_qs: str) -> Resource:
        """What the server answers for a path?query on this site."""
        from govinspect.sandbox.routing import lookup

        return lookup(self, path_qs)

    def page_spec(self, path_qs: str) -> PageSpec | None:
        """The structured content of the page at `path_qs` (None when it is not a page)."""
        from govinspect.sandbox.pages import spec_for

        return spec_for(self, path_qs)

    def page_links(self, path_qs: str) -> list[Link]:
        """Every fetchable link of the page, in page order. The renderer writes exactly these
        and the ground truth counts exactly these."""
        spec = self.page_spec(path_qs)
        return spec.links() if spec is not None else []

    def render(self, path_qs: str) -> str | None:
        """The page's HTML as text (None when `path_qs` is not an HTML page of the site)."""
        from govinspect.sandbox.pages import render_path

        return render_path(self, path_qs)

    def iter_pages(self) -> list[str]:
        """Every real (non-trap) HTML page path of the site, including robots-disallowed ones."""
        return [p for p, r in self.resources.items() if r.kind == "page" and r.trap is None]

    def robots_disallow(self) -> tuple[str, ...]:
        """Path prefixes that robots.txt disallows."""
        return ("/search/",) if "robots_disallow" in self.roles else ()

    def info(self) -> dict[str, Any]:
        """Identity of the site as JSON (for truth and the sites file)."""
        return {
            "index": self.index,
            "host": self.host,
            "aliases": list(self.aliases),
            "url": self.home_url,
            "registered_url": self.registered_url,
            "name": self.name,
            "site_code": self.site_code,
            "organiser": self.organiser,
            "region": self.region,
            "portal": self.portal,
            "template": self.template,
            "encoding": self.encoding,
            "declared_charset": self.declared_charset,
            "roles": list(self.roles),
        }


@dataclass(eq=False)
class Province:
    """The whole simulated province: its sites and the outside hosts they link to."""

    seed: int
    sites: list[SimSite]
    external_hosts: dict[str, ExternalHost]
    as_of: dt.date = DEFAULT_AS_OF
    slow_timeout_seconds: float = DEFAULT_SLOW_SECONDS
    public_port: int | None = None
    mode: Mode = "live"
    external_port: int = 8182
    # hostname → dead reason for hosts linked to but never answered (dns / refused)
    dead_hosts: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    outcome_cache: dict[str, Outcome] = field(default_factory=dict, repr=False)

    @property
    def port_suffix(self) -> str:
        """':PORT' when pages write a non-default public port into absolute URLs."""
        return f":{self.public_port}" if self.public_port not in (None, 80) else ""

    @cached_property
    def host_index(self) -> dict[str, Any]:
        """hostname → SimSite | AliasHost | ExternalHost, for everything the server answers."""
        from govinspect.sandbox.routing import AliasHost

        idx: dict[str, Any] = {}
        for site in self.sites:
            idx[site.host] = site
            for alias in (*site.aliases, *site.old_hosts):
                idx[alias] = AliasHost(alias, site)
        for ext in self.external_hosts.values():
            idx[ext.hostname] = ext
        return idx

    def target_for(self, hostname: str) -> Any:
        """The object answering for `hostname` (None when the server does not serve it)."""
        return self.host_index.get(hostname.lower().rstrip("."))

    def site_by_host(self, hostname: str) -> SimSite | None:
        """The site owning `hostname` (its main host or an alias)."""
        t = self.target_for(hostname)
        if isinstance(t, SimSite):
            return t
        return getattr(t, "site", None)

    def classify(self, url: str) -> Outcome:
        """What a careful link checker should conclude about `url` (cached)."""
        from govinspect.sandbox.routing import classify

        return classify(self, url)

    def ext_url(self, host: str, path: str) -> str:
        """URL of a page on an outside host; in static mode mapped onto loopback IP hosts."""
        if self.mode == "static":
            if host in self.dead_hosts_live:
                return f"http://127.0.0.3:9/{host}{path}"
            return f"http://127.0.0.2:{self.external_port}/{host}{path}"
        return f"http://{host}{self.port_suffix}{path}"

    @property
    def dead_hosts_live(self) -> tuple[str, ...]:
        """Names of the outside hosts that no longer exist (linked to as dead externals)."""
        from govinspect.sandbox.external import DEAD_HOSTS

        return DEAD_HOSTS
