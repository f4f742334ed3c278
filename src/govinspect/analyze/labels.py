"""Labelled fields of a page ("事项名称 | 个体工商户设立登记", "来信时间：2024-06-01"): the shapes
real CMSs print them in, read the same way for service guides and letter pages.

Four layouts are read, all by structure, never by a CMS's class names:

- **table cells**: a `<th>`/`<td>` whose whole text is a label; the value is the next cell(s)
  of the same row up to the next label cell (two- and four-column guide tables);
- **definition lists**: `<dt>` label, `<dd>` value;
- **inline**: a text starting "标签：" (or "标签:"); the value is the rest of the text, or, when
  that is empty, the rest of the enclosing element (`<span>标签：</span><span>值</span>`);
- **headings**: an element whose whole text is the label (`<h3>办理材料</h3>`, `<strong>`); the
  value is what follows it up to the next label (`<p>`, `<ul>` …).

`Vocabulary` maps each label variant to its field; `read_fields` returns, per field, whether a
label was shown and the first non-empty value. Pure functions over a parsed tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

__all__ = ["Field", "Vocabulary", "clean_label", "read_fields"]

_SKIP = frozenset({"script", "style", "noscript", "template", "head", "select", "option", "textarea", "button"})
_NUMBERING = re.compile(r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]|[一二三四五六七八九十\d]{1,3}\s*[、.．)）])\s*")
_STRIP = " \t\r\n\u3000\xa0*＊【】[]·•●◆■□▪"
_COLON = ("：", ":")
# A short CJK run followed by a colon looks like a label of some field we do not know.
_LABEL_LIKE = re.compile(r"^[\u4e00-\u9fff（）()、/]{2,12}[：:]")
MAX_VALUE_CHARS = 800
MAX_FOLLOWING = 12  # sibling elements read after a heading label
_MEMO_MAX = 16_384  # texts whose reading a vocabulary remembers


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Label variants → field name, with labels that end a value (known non-fields)."""

    labels: Mapping[str, str]
    stop: frozenset[str] = frozenset()
    ordered: tuple[str, ...] = ()
    # `ordered` split by first character (same order within each): `inline` runs on every
    # short text of a page and only needs the labels the text can start with.
    by_first: Mapping[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)
    # read_fields' reading of a short text (exact label, else inline label and rest): a pure
    # function of the text, memoised because a site's menus and footer repeat on every page.
    memo: dict[str, tuple[str | None, tuple[str, str] | None]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        groups: dict[str, list[str]] = {}
        for label in self.ordered:
            groups.setdefault(label[:1], []).append(label)
        if "" in groups:  # an empty label starts every text: keep the plain order
            groups = {}
        object.__setattr__(self, "by_first", {k: tuple(v) for k, v in groups.items()})

    @classmethod
    def build(cls, fields: Mapping[str, Iterable[str]], stop: Iterable[str] = ()) -> Vocabulary:
        """From {field: [variants]}; longer variants are tried first (联系电话 before 电话)."""
        labels: dict[str, str] = {}
        for name, variants in fields.items():
            for v in variants:
                labels.setdefault(str(v), name)
        ordered = tuple(sorted(labels, key=len, reverse=True))
        return cls(labels, frozenset(str(s) for s in stop), ordered)

    def exact(self, text: str) -> str | None:
        """The field whose label is the whole text, or None."""
        return self.labels.get(clean_label(text))

    def inline(self, text: str) -> tuple[str, str] | None:
        """(field, rest) when the text starts "label：", else None."""
        t = _NUMBERING.sub("", text.lstrip(_STRIP))
        by_first = self.by_first
        for label in by_first.get(t[:1], ()) if by_first else self.ordered:
            if t.startswith(label):
                rest = t[len(label):].lstrip(" \u3000\xa0")
                if rest[:1] in _COLON:
                    return self.labels[label], rest[1:].strip()
        return None

    def read(self, text: str) -> tuple[str | None, tuple[str, str] | None]:
        """(`exact(text)` for texts of at most 30 characters, else None; `inline(text)` when
        that is None, else None), memoised."""
        known = self.memo.get(text)
        if known is None:
            name = self.exact(text) if len(text) <= 30 else None
            known = (name, self.inline(text) if name is None else None)
            if len(self.memo) >= _MEMO_MAX:
                self.memo.clear()
            self.memo[text] = known
        return known

    def is_boundary(self, text: str) -> bool:
        """Whether a text starts another field (known, a stop label, or label-shaped)."""
        t = clean_label(text)
        if t in self.labels or t in self.stop:
            return True
        if self.inline(text) is not None:
            return True
        head = _NUMBERING.sub("", text.lstrip(_STRIP))
        return any(head.startswith(s) and head[len(s):].lstrip()[:1] in _COLON for s in self.stop) or (
            _LABEL_LIKE.match(head) is not None and len(text) <= 40
        )


@dataclass(slots=True)
class Field:
    """One field as read: was its label shown, its first non-empty value, how it was found."""

    shown: bool = False
    value: str = ""
    layout: str = ""  # cell | dl | inline | heading
    all_values: list[str] = field(default_factory=list)


def clean_label(text: str) -> str:
    """A label cell's text without numbering, spaces, decoration and the trailing colon."""
    t = _NUMBERING.sub("", " ".join(text.split()).strip(_STRIP))
    t = t.rstrip("：:").strip(_STRIP)
    return t.replace(" ", "")


def _text(node: LexborNode) -> str:
    if node.tag in _SKIP:
        return ""
    return " ".join((node.text(deep=True, separator=" ") or "").split())


def _elements_after(node: LexborNode) -> Iterable[LexborNode]:
    sib = node.next
    while sib is not None:
        yield sib
        sib = sib.next


def _cut(value: str, vocab: Vocabulary) -> str:
    """Cut a run of text at the next label in it ("办理地点：A 办理时间：B" → "A")."""
    best = len(value)
    for label in list(vocab.labels) + list(vocab.stop):
        for colon in _COLON:
            i = value.find(f"{label}{colon}")
            if 0 < i < best and value[i - 1] in " \u3000\xa0；;。，,":
                best = i
    return value[:best].strip(" \u3000\xa0；;，,")[:MAX_VALUE_CHARS]


def _cell_value(cell: LexborNode, vocab: Vocabulary) -> str:
    parts: list[str] = []
    for sib in _elements_after(cell):
        if sib.tag not in ("td", "th"):
            continue
        text = _text(sib)
        if text and vocab.is_boundary(text) and (vocab.exact(text) or clean_label(text) in vocab.stop):
            break
        parts.append(text)
        if text:
            break  # the cell right after the label (4-column tables: label | value | label | value)
    return " ".join(p for p in parts if p)[:MAX_VALUE_CHARS]


def _dd_value(dt: LexborNode) -> str:
    for sib in _elements_after(dt):
        if sib.tag == "dd":
            return _text(sib)[:MAX_VALUE_CHARS]
        if sib.tag == "dt":
            return ""
    return ""


def _following_value(el: LexborNode, vocab: Vocabulary) -> str:
    """What follows a heading label: its next siblings up to the next label."""
    parts: list[str] = []
    count = 0
    for sib in _elements_after(el):
        if sib.tag == "-text":
            text = " ".join((sib.text_content or "").split())
        elif sib.tag.startswith("-") or sib.tag in _SKIP:
            continue
        else:
            text = _text(sib)
            count += 1
        if text and vocab.is_boundary(text):
            break
        if text:
            parts.append(text)
        if count >= MAX_FOLLOWING or sum(map(len, parts)) >= MAX_VALUE_CHARS:
            break
    return _cut(" ".join(parts), vocab)


def _enclosing(node: LexborNode, tags: frozenset[str], depth: int) -> LexborNode | None:
    cur = node.parent
    for _ in range(depth):
        if cur is None or cur.tag in ("body", "html"):
            return None
        if cur.tag in tags:
            return cur
        cur = cur.parent
    return None


_CELLS = frozenset({"td", "th"})
_DT = frozenset({"dt"})


def _text_nodes(root: LexborNode) -> Iterable[LexborNode]:
    stack = [root]
    while stack:
        node = stack.pop()
        tag = node.tag or ""
        if tag == "-text":
            yield node
            continue
        if tag in _SKIP or tag.startswith("-"):
            continue
        children = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend(reversed(children))


def read_fields(
    tree: LexborHTMLParser, vocab: Vocabulary, *, root: LexborNode | None = None, end_markers: Iterable[str] = ()
) -> dict[str, Field]:
    """Every field of `vocab` the page shows, with its first non-empty value (see the module
    docstring for the layouts). Fields never shown are absent from the result. Reading stops
    at the first text holding one of `end_markers` after a field was found (the page footer:
    its 联系电话 is the site's, not the guide's)."""
    out: dict[str, Field] = {}
    start = root or tree.body or tree.root
    if start is None:
        return out
    markers = tuple(end_markers)
    for node in _text_nodes(start):
        raw = " ".join((node.text_content or "").split())
        if not raw or len(raw) > 400:
            continue
        if out and markers and any(m in raw for m in markers):
            break
        name, found = vocab.read(raw)
        value = ""
        layout = ""
        if name is not None:
            cell = _enclosing(node, _CELLS, 3)
            dt = _enclosing(node, _DT, 3) if cell is None else None
            if cell is not None and vocab.exact(_text(cell)) == name:
                value, layout = _cell_value(cell, vocab), "cell"
            elif dt is not None and vocab.exact(_text(dt)) == name:
                value, layout = _dd_value(dt), "dl"
            else:
                el = _label_element(node, name, vocab)
                if el is None:
                    continue
                value, layout = _following_value(el, vocab), "heading"
        else:
            if found is None:
                continue
            name, rest = found
            layout = "inline"
            value = _cut(rest, vocab) if rest else _rest_of_parent(node, raw, vocab)
            if not value:
                el = _label_element(node, name, vocab)
                if el is not None:
                    value = _following_value(el, vocab)
        f = out.setdefault(name, Field())
        f.shown = True
        f.all_values.append(value)
        if value and not f.value:
            f.value, f.layout = value, layout
        elif not f.layout:
            f.layout = layout
    return out


def _label_element(node: LexborNode, name: str, vocab: Vocabulary) -> LexborNode | None:
    """The outermost element (within 3 levels) whose whole text is still just the label."""
    best: LexborNode | None = None
    cur = node.parent
    for _ in range(3):
        if cur is None or cur.tag in ("body", "html", "td", "th", "tr", "table"):
            break
        if not _only_label(_text(cur), name, vocab):
            break
        best = cur
        cur = cur.parent
    return best


def _only_label(text: str, name: str, vocab: Vocabulary) -> bool:
    if not text:
        return False
    if vocab.exact(text) == name:
        return True
    found = vocab.inline(text)
    return found is not None and found[0] == name and not found[1]


def _rest_of_parent(node: LexborNode, raw: str, vocab: Vocabulary) -> str:
    """`<span>标签：</span><span>值</span>`: the parent's text after the label."""
    cur = node.parent
    for _ in range(2):
        if cur is None or cur.tag in ("body", "html", "table", "tbody"):
            return ""
        text = _text(cur)
        i = text.find(raw)
        if i >= 0:
            rest = text[i + len(raw):].strip()
            if rest:
                return _cut(rest, vocab) if not vocab.is_boundary(rest) else ""
        cur = cur.parent
    return ""
