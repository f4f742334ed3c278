"""Content-integrity scenarios of the simulated province, with their ground truth.

Each site follows the scenarios of its index (mod 12, `SCENARIOS`), so a 12-site province
holds every kind once and most sites pass on integrity, as in a real province:

- `misstatements`: three articles each carry one serious misstatement (a leader's name with a
  homophone, a wrong title after a name, a garbled formulation);
- `misstatement_traps`: a namesake county official, a quoted correction, correct names and
  titles (never reported);
- `hacked_home`: the homepage of a hacked site: spam prepended to `<title>` and in meta
  keywords, a display:none block of gambling links hung on `<body>`, a link written by
  `document.write`; `spam_text`: a spam sentence injected into an article;
- `hidden_articles`: links hidden off-screen, in a 1px font and in a 1px `<marquee>`, one
  article each; `condemning`: an article about 打击赌博 and a visible link to www.gov.cn;
- `hidden_traps`: a hidden drop-down menu and a hidden mobile menu of the site's own columns,
  and a hidden link to www.gov.cn on the homepage;
- `cloaking`: the homepage gains a gambling title and hidden links only when the User-Agent
  says Baiduspider; `ua_variance`: the homepage varies harmlessly by User-Agent (a time and a
  token);
- `privacy`: a 公示 table with unmasked ID numbers (valid checksum), mobiles and bank cards
  (Luhn) next to names, and the same in a DOCX and an XLSX attachment; `privacy_traps`: masked
  numbers, an ID-shaped number with a wrong check digit, office phones and document numbers;
- `secret`: a policy document headed 秘密★1年; `secret_trap`: an article about 保密工作.

With `build_province(tampered=True)` the homepage of every `tamper` site also loads an outside
script (for the two-run `--previous` comparison).

A plan only decides; pages.py, the template families and server.py render it, and `truth()`
reads `IntegrityPlan.expected`, built here from the same decisions. The big benchmark site and
static exports carry nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html
import io
import random
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any


from govinspect.sandbox.model import Link
from govinspect.yamlfiles import load_yaml

if TYPE_CHECKING:
    from govinspect.sandbox.model import Item, PageKey, SimSite
    from govinspect.sandbox.pages import PageSpec

SCENARIOS: dict[int, tuple[str, ...]] = {
    0: ("hidden_traps",),
    1: ("misstatements",),
    3: ("privacy_traps", "secret_trap", "misstatement_traps"),
    4: ("tamper",),
    5: ("hidden_articles", "condemning"),
    6: ("ua_variance", "misstatement_traps"),
    7: ("privacy", "secret"),
    8: ("hacked_home", "spam_text"),
    9: ("cloaking",),
}
AREAS = ("text_errors", "illegal", "privacy", "secret_marks")
SPIDER_MARK = "baiduspider"
TAMPER_SCRIPT = ("www.cnzz-tongji88.com", "/js/stat.js")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@functools.lru_cache(maxsize=1)
def data() -> dict[str, Any]:
    """The scenario content (`data/sandbox_integrity.yaml`)."""
    text = resources.files("govinspect.data").joinpath("sandbox_integrity.yaml").read_text("utf-8")
    return load_yaml(text)


def spam_hosts() -> list[tuple[str, str]]:
    """(host, anchor text) of every link-farm host the hacked pages link to."""
    return [(str(h), str(t)) for h, t in data()["spam_links"]]


def esc(text: str) -> str:
    """HTML-escape text and attribute values."""
    return html.escape(text, quote=True)


@dataclass
class Seeded:
    """What one page gains: article paragraphs before and HTML after the body, HTML before
    `</body>` and after `</title>`, a title prefix, and the links that HTML carries."""

    head: list[str] = field(default_factory=list)  # text paragraphs opening an article body
    tail: list[str] = field(default_factory=list)  # HTML after an article body
    body_end: list[str] = field(default_factory=list)
    head_html: list[str] = field(default_factory=list)
    title_prefix: str = ""
    links: list[Link] = field(default_factory=list)  # every <a>/<script> of that HTML a parser sees


@dataclass
class SeededFile:
    """An attachment served with real content (a DOCX or XLSX table of citizens)."""

    fmt: str  # docx | xlsx
    title: str
    rows: list[list[str]]


@dataclass
class IntegrityPlan:
    """The integrity scenarios of one site, decided once (see the module docstring)."""

    scenarios: tuple[str, ...] = ()
    pages: dict[PageKey, Seeded] = field(default_factory=dict)
    cloaked: Seeded | None = None  # what Baiduspider gets on the homepage on top
    ua_variance: bool = False
    files: dict[str, SeededFile] = field(default_factory=dict)  # attachment path → content
    expected: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {a: [] for a in AREAS})

    def page(self, key: PageKey) -> Seeded:
        """The seeded content of page `key` (created on first use)."""
        return self.pages.setdefault(key, Seeded())

    def expect(self, area: str, **entry: Any) -> None:
        """Record a problem an inspection must report."""
        self.expected[area].append(entry)


# -- planning -------------------------------------------------------------------------------


def scenarios_for(site: SimSite) -> tuple[str, ...]:
    """The scenarios of `site` (none for the big site and static exports)."""
    if site.big or site.province.mode != "live":
        return ()
    found = SCENARIOS.get(site.index % 12, ())
    if "tamper" in found and not site.province.options.get("tampered"):
        found = tuple(s for s in found if s != "tamper")
    return found


def plan_integrity(site: SimSite) -> IntegrityPlan:
    """Seed this site's integrity scenarios deterministically from (seed, site index)."""
    plan = IntegrityPlan(scenarios_for(site))
    if not plan.scenarios:
        return plan
    rng = random.Random(f"{site.seed_key}:integrity")
    picker = _Picker(site, rng)
    for name in plan.scenarios:
        _STEPS[name](site, plan, rng, picker)
    return plan


class _Picker:
    """Chooses distinct articles to carry the seeds: never a page with a server behaviour
    (slow, 429) and never one reached only through a trap."""

    def __init__(self, site: SimSite, rng: random.Random) -> None:
        self.site = site
        self.rng = rng
        self.taken: set[int] = set()
        self.busy = set(site.plan.behaviours)

    def articles(self, categories: tuple[str, ...], n: int) -> list[Item]:
        site = self.site
        cols = [c for c in site.leaf_columns if c.n_items and c.category in categories]
        pool = [it for c in cols for it in site.items(c) if it.path not in self.busy and it.id not in self.taken]
        if len(pool) < n:
            pool += [
                it for c in site.leaf_columns for it in site.items(c)
                if it.path not in self.busy and it.id not in self.taken and it not in pool
            ]
        chosen = self.rng.sample(pool, min(n, len(pool)))
        self.taken.update(it.id for it in chosen)
        return chosen


def _key(item: Item) -> PageKey:
    return ("article", item.id)


def _para(text: str) -> str:
    return f"<p>{esc(text)}</p>"


def _misstatements(site: SimSite, plan: IntegrityPlan, rng: random.Random, picker: _Picker) -> None:
    seeds = data()["misstatements"]
    for item, seed in zip(picker.articles(("news",), len(seeds)), seeds, strict=False):
        plan.page(_key(item)).tail.append(_para(seed["sentence"]))
        plan.expect("text_errors", page=site.url(item.path), found=seed["found"], expected=seed["expected"],
                    kind=seed["kind"])


def _misstatement_traps(site: SimSite, plan: IntegrityPlan, rng: random.Random, picker: _Picker) -> None:
    traps = data()["misstatement_traps"]
    for item, sentence in zip(picker.articles(("news",), len(traps)), traps, strict=False):
        plan.page(_key(item)).tail.append(_para(sentence))


def _spam(site: SimSite, rng: random.Random, n: int, used: set[str]) -> list[Link]:
    """`n` links to link-farm hosts not used yet on this site."""
    free = [(h, t) for h, t in spam_hosts() if h not in used]
    chosen = rng.sample(free, n)
    used.update(h for h, _ in chosen)
    return [Link(site.province.ext_url(h, "/"), t) for h, t in chosen]


def _anchors(links: list[Link]) -> str:
    return "".join(f'<a href="{esc(lk.url)}" target="_blank">{esc(lk.text)}</a>' for lk in links)


def _hacked_home(site: SimSite, plan: IntegrityPlan, rng: random.Random, picker: _Picker) -> None:
    d = data()
    used: set[str] = set()
    home = plan.page(("home",))
    url = site.home_url
    home.title_prefix = d["spam_title"]
    plan.expect("illegal", page=url, kind="injected_title", target=None)
    home.head_html.append(f'<meta name="keywords" content="{esc(d["spam_keywords"])}">')
    plan.expect("illegal", page=url, kind="injected_title", target=None)
    farm = _spam(site, rng, 6, used)
    home.body_end.append(f'<div style="display:none">{_anchors(farm)}</div>')
    home.links += farm
    written = _spam(site, rng, 1, used)[0]
    script = f"document.write('<div style=\"display:none\"><a href=\"{written.url}\">{written.text}</a></div>');"
    home.body_end.append(f'<script type="text/javascript">{script}</script>')
    for lk in [*farm, written]:
        plan.expect("illegal", page=url, kind="hidden_link", target=lk.url)


def _spam_text(site: SimSite, plan: IntegrityPlan, rng: random.Random, picker: _Picker) -> None:
    for item in picker.articles(("news", "notice"), 1):
        plan.page(_key(item)).tail.append(_para(data()["spam_text"]))
        plan.expect("illegal", page=site.url(item.path), kind="spam_content", target=None)


_HIDERS = (
    ('<div style="position:absolute;top:-1200px;left:-1200px;">', "</div>", 3),
    ('<div style="font-size:1px;line-height:1px;color:#ffffff;">', "</div>", 2),
    ('<marquee height="1" width="1" scrollamount="3000" scrolldelay="3000">', "</marquee>", 2),
)


def _hidden_articles(site: SimSite, plan: IntegrityPlan, rng: random.Random, picker: _Picker) -> None:
    used: set[str] = set()
    for item, (opening, closing, n) in zip(picker.articles(("news", "notice"), len(_HIDERS)), _HIDERS, strict=False):
        links = _spam(site, rng, n, used)
        page = plan.page(_key(item))
        page.tail.append(f"{opening}{_anchors(links)}{closing}")
        page.links += links
        for lk in links:
            plan.expect("illegal", page=site.url(item.path), kind="hidden_link", target=lk.url)


def _condemning(site: SimSite, plan: IntegrityPlan, rng: random.Random, picker: _Picker) -> None:
    for item in picker.articles(("news",), 1):
        page = plan.page(_key(item))
        page.tail += [_para(s) for s in data()["condemning"]]
        gov = Link(site.province.ext_url("www.gov.cn", "/"), "中国政府网")
        page.tail.append(f'<p>相关链接：<a href="{esc(gov.url)}" target="_blank">{esc(gov.text)}</a></p>')
        page.links.append(gov)


def _hidden_traps(site: SimSite, plan: IntegrityPlan, rng: random.Random, picker: _Picker) -> None:
    home = plan.page(("home",))
    fam = site.family
    tops = [Link(site.url(fam.column_path(site, c, 0)), c.name) for c in site.top_columns]
    first = next((c for c in site.top_columns if c.children), None)
    subs = [Link(site.url(fam.column_path(site, c, 0)), c.name) for c in (first.children if first else [])]
    menu = "".join(f'<li><a href="{esc(lk.url)}">{esc(lk.text)}</a></li>' for lk in subs)
    mobile = "".join(f'<li><a href="{esc(lk.url)}">{esc(lk.text)}</a></li>' for lk in tops)
    gov = Link(site.province.ext_url("www.gov.cn", "/"), "中国政府网")
    home.body_end += [
        f'<ul class="sub-menu" style="display:none">{menu}</ul>',
        f'<div class="mobile-nav" style="display:none"><ul>{mobile}</ul></div>',
        f'<div class="gov-links" style="display:none"><a href="{esc(gov.url)}" target="_blank">{esc(gov.text)}</a></div>',
    ]
    home.links += [*subs, *tops, gov]


def _cloaking(site: SimSite, plan: IntegrityPlan, rng: random.Random, picker: _Picker) -> None:
    links = _spam(site, rng, 4, set())
    plan.cloaked = Seeded(
        body_end=[f'<div style="display:none">{_anchors(links)}</div>'],
        title_prefix=data()["spam_cloaked_title"],
    )
    url = site.home_url
    plan.expect("illegal", page=url, kind="cloaking", target=None)
    for lk in links:
        plan.expect("illegal", page=url, kind="cloaking", target=lk.url)


def _ua_variance(site: SimSite, plan: IntegrityPlan, rng: random.Random, picker: _Picker) -> None:
    plan.ua_variance = True


def _tamper(site: SimSite, plan: IntegrityPlan, rng: random.Random, picker: _Picker) -> None:
    host, path = TAMPER_SCRIPT
    script = Link(site.province.ext_url(host, path), tag="script")
    home = plan.page(("home",))
    home.body_end.append(f'<script type="text/javascript" src="{esc(script.url)}"></script>')
    home.links.append(script)
    plan.expect("illegal", page=site.home_url, kind="tampered", target=script.url)


# -- personal data --------------------------------------------------------------------------


def id_number(rng: random.Random, *, valid: bool = True) -> str:
    """A fictional 18-digit resident ID number (GB 11643 check character right or wrong)."""
    region = rng.choice(data()["id_regions"])
    birth = f"{rng.randint(1950, 2002)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = f"{region}{birth}{rng.randint(10, 999):03d}"
    check = _ID_CHECK[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS, strict=True)) % 11]
    if not valid:
        check = _ID_CHECK[(_ID_CHECK.index(check) + 1 + rng.randint(0, 9)) % 11]
    return body + check


def mobile(rng: random.Random) -> str:
    """A fictional mobile number."""
    return "1" + rng.choice("35789") + "".join(rng.choice("0123456789") for _ in range(9))


def bank_card(rng: random.Random) -> str:
    """A fictional 19-digit UnionPay card number with a valid Luhn digit."""
    body = "6228" + "".join(rng.choice("0123456789") for _ in range(14))
    total = 0
    for i, c in enumerate(reversed(body)):
        n = int(c) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return body + str((10 - total % 10) % 10)


def masked(value: str, kind: str) -> str:
    """How a report prints a number: ID and card 4 + 4 digits, mobile 3 + 4 (see docs/results.md)."""
    keep = 3 if kind == "mobile" else 4
    return value[:keep] + "*" * (len(value) - keep - 4) + value[-4:]


def _name(rng: random.Random) -> str:
    d = data()
    return rng.choice(d["surnames"]) + "".join(rng.sample(d["given"], rng.choice((1, 2))))


class _People:
    """Fictional citizens whose masked numbers never collide on one site (a report merges
    entries with equal masked values)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.masks: set[str] = set()

    def _unique(self, make: Any, kind: str) -> str:
        while True:
            value = make(self.rng)
            if masked(value, kind) not in self.masks:
                self.masks.add(masked(value, kind))
                return value

    def person(self) -> dict[str, str]:
        return {
            "name": _name(self.rng),
            "id_number": self._unique(id_number, "id_number"),
            "mobile": self._unique(mobile, "mobile"),
            "bank_card": self._unique(bank_card, "bank_card"),
        }


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="gs-table" border="1" cellspacing="0" cellpadding="4"><tr>{head}</tr>{body}</table>'


def _privacy(site: SimSite, plan: IntegrityPlan, rng: random.Random, picker: _Picker) -> None:
    d = data()
    people = _People(rng)
    year = site.province.as_of.year
    for item in picker.articles(("notice",), 1):
        crowd = [people.person() for _ in range(2)]
        title = d["privacy_titles"]["page"].format(area=site.area_name, year=year)
        rows = [[str(k + 1), p["name"], p["id_number"], p["mobile"], p["bank_card"], str(rng.randint(3, 9) * 100)]
                for k, p in enumerate(crowd)]
        page = plan.page(_key(item))
        page.tail.append(f'<p style="text-align:center"><strong>{esc(title)}</strong></p>')
        page.tail.append(_table(["序号", "姓名", "身份证号码", "联系电话", "银行卡号", "发放金额（元）"], rows))
        for p in crowd:
            for kind in ("id_number", "mobile", "bank_card"):
                plan.expect("privacy", page=site.url(item.path), kind=kind, masked_value=masked(p[kind], kind))
    # Attachments: real OOXML served under the attachment's own name (.doc/.xls names
    # carrying OOXML are common on real sites).
    attached = [
        (it, a) for c in site.leaf_columns for it in site.items(c) for a in it.attachments
        if it.path not in picker.busy and a.path not in site.plan.missing
    ]
    for fmt, exts, kinds in (("docx", ("docx", "doc"), ("id_number", "mobile")), ("xlsx", ("xlsx", "xls"), ("id_number",))):
        found = next(((it, a) for ext in exts for it, a in attached if a.ext == ext and a.path not in plan.files), None)
        if found is None:
            continue
        _, att = found
        crowd = [people.person() for _ in range(2)]
        if fmt == "docx":
            rows = [["序号", "姓名", "身份证号码", "联系电话", "救助金额（元）"]]
            rows += [[str(k + 1), p["name"], p["id_number"], p["mobile"], str(rng.randint(5, 20) * 100)] for k, p in enumerate(crowd)]
        else:
            rows = [["序号", "姓名", "身份证号码", "补贴金额（元）"]]
            rows += [[str(k + 1), p["name"], p["id_number"], str(rng.randint(2, 9) * 100)] for k, p in enumerate(crowd)]
        plan.files[att.path] = SeededFile(fmt, d["privacy_titles"][fmt], rows)
        for p in crowd:
            for kind in kinds:
                plan.expect("privacy", page=site.url(att.path), kind=kind, masked_value=masked(p[kind], kind))


def _privacy_traps(site: SimSite, plan: IntegrityPlan, rng: random.Random, picker: _Picker) -> None:
    d = data()
    for item in picker.articles(("notice",), 1):
        title = d["privacy_trap_title"].format(area=site.area_name, year=site.province.as_of.year)
        rows = []
        for k in range(3):
            ident, phone = id_number(rng), mobile(rng)
            name = _name(rng)
            rows.append([str(k + 1), name[0] + "*" + name[2:], ident[:6] + "*" * 8 + ident[-4:],
                         phone[:3] + "****" + phone[-4:], str(rng.randint(1, 4))])
        page = plan.page(_key(item))
        page.tail.append(f'<p style="text-align:center"><strong>{esc(title)}</strong></p>')
        page.tail.append(_table(["序号", "户主姓名", "身份证号码", "联系电话", "保障人数"], rows))
        bad = id_number(rng, valid=False)
        code = f"{site.area_short[:1]}政办发〔{site.province.as_of.year}〕{rng.randint(10, 60)}号"
        page.tail += [
            _para(f"依据《关于进一步加强农村低保规范管理的通知》（{code}），申请人{_name(rng)}（{bad}）的申请已退回补正。"),
            _para(f"监督电话：{site.footer.phone}；联系人：{_name(rng)}，联系电话：{mobile(rng)}。"),
            _para(f"承办单位统一社会信用代码：11{rng.randint(10**15, 10**16 - 1)}。"),
        ]


def _secret(site: SimSite, plan: IntegrityPlan, rng: random.Random, picker: _Picker) -> None:
    mark = data()["secret_mark"]
    for item in picker.articles(("policy",), 1):
        plan.page(_key(item)).head.append(mark)
        plan.expect("secret_marks", page=site.url(item.path), mark=mark)


def _secret_trap(site: SimSite, plan: IntegrityPlan, rng: random.Random, picker: _Picker) -> None:
    for item in picker.articles(("news", "notice"), 1):
        plan.page(_key(item)).tail += [_para(s) for s in data()["secret_trap"]]


_STEPS = {
    "misstatements": _misstatements,
    "misstatement_traps": _misstatement_traps,
    "hacked_home": _hacked_home,
    "spam_text": _spam_text,
    "hidden_articles": _hidden_articles,
    "condemning": _condemning,
    "hidden_traps": _hidden_traps,
    "cloaking": _cloaking,
    "ua_variance": _ua_variance,
    "tamper": _tamper,
    "privacy": _privacy,
    "privacy_traps": _privacy_traps,
    "secret": _secret,
    "secret_trap": _secret_trap,
}


# -- rendering hooks ------------------------------------------------------------------------


def page_key(spec: PageSpec) -> PageKey | None:
    """The key integrity seeds are planned under (homepage and articles only)."""
    if spec.kind == "home":
        return ("home",)
    if spec.kind == "article" and spec.item is not None:
        return ("article", spec.item.id)
    return None


def seeded_for(spec: PageSpec) -> Seeded | None:
    """The seeds of the page `spec` describes, if any."""
    key = page_key(spec)
    return spec.site.integrity.pages.get(key) if key is not None else None


def is_spider(user_agent: str | None) -> bool:
    """Whether a User-Agent is Baidu's crawler (what cloaked pages look for)."""
    return bool(user_agent) and SPIDER_MARK in (user_agent or "").lower()


def varies_by_agent(site: SimSite) -> bool:
    """Whether the site's homepage depends on the User-Agent (the server must not cache it)."""
    plan = site.integrity
    return plan.cloaked is not None or plan.ua_variance


def decorate(spec: PageSpec, page_html: str, user_agent: str | None = None) -> str:
    """The rendered page with its seeded title, head and end-of-body HTML (and, for a
    User-Agent that varies the homepage, that variant)."""
    parts = [s for s in (seeded_for(spec),) if s is not None]
    plan = spec.site.integrity
    if spec.kind == "home" and plan.cloaked is not None and is_spider(user_agent):
        parts.append(plan.cloaked)
    if not parts and not (spec.kind == "home" and plan.ua_variance):
        return page_html
    prefix = "".join(esc(p.title_prefix) for p in parts)
    head = "".join(h for p in parts for h in p.head_html)
    end = "".join(b for p in parts for b in p.body_end)
    if spec.kind == "home" and plan.ua_variance:
        token = hashlib.sha1(f"{spec.site.seed_key}:{user_agent or ''}".encode()).hexdigest()[:16]
        second = int(token[:2], 16) % 60
        end += (f'<div class="srv-time">{spec.site.province.as_of:%Y年%m月%d日} 08:00:{second:02d}</div>'
                f'<input type="hidden" name="csrf_token" value="{token}">')
    if prefix or head:
        at = page_html.find("<title>")
        if at >= 0:
            close = page_html.find("</title>", at)
            page_html = page_html[: at + 7] + prefix + page_html[at + 7 : close + 8] + head + page_html[close + 8 :]
    if end:
        at = page_html.rfind("</body>")
        page_html = page_html[:at] + end + page_html[at:] if at >= 0 else page_html + end
    return page_html


def seeded_file(site: SimSite, path: str) -> bytes | None:
    """The bytes of a seeded attachment at `path` (None: the ordinary placeholder file)."""
    found = site.integrity.files.get(path)
    if found is None:
        return None
    return _file_bytes(site.seed_key, path, found.fmt, found.title, tuple(tuple(r) for r in found.rows))


@functools.lru_cache(maxsize=32)
def _file_bytes(seed_key: str, path: str, fmt: str, title: str, rows: tuple[tuple[str, ...], ...]) -> bytes:
    buf = io.BytesIO()
    if fmt == "docx":
        import docx

        doc = docx.Document()
        # Fixed document dates: the same seed serves the same bytes.
        doc.core_properties.created = doc.core_properties.modified = dt.datetime(2024, 6, 1, 9, 0)
        doc.add_heading(title, level=1)
        table = doc.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                table.cell(r, c).text = cell
        doc.save(buf)
    else:
        from govinspect.workbooks import load_openpyxl

        openpyxl = load_openpyxl()
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Sheet1"
        ws.append([title])
        for row in rows:
            ws.append(list(row))
        wb.save(buf)
    return buf.getvalue()


def integrity_truth(site: SimSite) -> dict[str, list[dict[str, Any]]]:
    """What an inspection must report on `site`: the `text_errors`, `illegal`, `privacy` and
    `secret_marks` entries (page, kind and what identifies each), sorted."""
    out: dict[str, list[dict[str, Any]]] = {}
    for area in AREAS:
        rows = site.integrity.expected[area]
        out[area] = sorted(rows, key=lambda r: tuple(str(r.get(k) or "") for k in sorted(r)))
    return out
