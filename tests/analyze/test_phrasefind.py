"""PhraseFinder answers exactly as a regex alternation of its phrases would."""

from __future__ import annotations

import random
import re

import pytest

from govinspect.analyze.phrasefind import PhraseFinder
from govinspect.crawl.verdicts import SOFT_404_PHRASES

_PAGE = (
    "<html><head><title>通知公告_安平县人民政府</title></head><body><div class=\"nav\">首页 | 政务公开 | "
    "查找信息</div><p>根据有关规定，现将不存在问题的单位名单公示如下。已完成整改的单位……</p>"
    "<p style=\"color:#FFF\">Font Family</p></body></html>"
)


def _regex_says(text: str, phrases: tuple[str, ...], end: int) -> bool:
    return re.compile("|".join(map(re.escape, phrases))).search(text, 0, end) is not None


def test_it_finds_the_soft_404_wording_of_real_error_pages():
    finder = PhraseFinder(SOFT_404_PHRASES)
    assert finder.search("<title>404 Not Found</title><h1>Not Found</h1>")
    assert finder.search("<div class=\"err\">对不起，您访问的页面不存在或已被删除！</div>")
    assert finder.search("<p>该信息已被撤销。</p>")
    assert not finder.search(_PAGE)  # 不存在问题, 查找, 已完成, #FFF, Font: none is a phrase


def test_a_phrase_must_lie_wholly_within_the_limit():
    finder = PhraseFinder(SOFT_404_PHRASES)
    text = "x" * 100 + "页面不存在"
    assert finder.search(text, 105)
    assert not finder.search(text, 104)
    assert not finder.search(text, 0)


@pytest.mark.parametrize("seed", range(20))
def test_it_agrees_with_a_regex_on_random_texts(seed):
    rng = random.Random(seed)
    phrases = SOFT_404_PHRASES
    # Texts made of phrase fragments, so near-misses (a phrase cut short, anchors without
    # their phrase, overlaps) are common; the limit sometimes cuts through a phrase.
    pieces = [p[: rng.randint(1, len(p))] for p in phrases] + ["不", "已", "到", "F", "N", "a", "页面", "存在"]
    for _ in range(200):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        end = rng.randint(0, len(text) + 2)
        assert PhraseFinder(phrases).search(text, end) == _regex_says(text, phrases, end), (text, end)


def test_anchors_avoid_markup_characters_when_a_phrase_has_others():
    finder = PhraseFinder(["404 Not Found", "页面不存在"])
    anchors = [anchor for anchor, _ in finder._groups]
    assert all(not a.isascii() or a.isupper() for a in anchors)


def test_no_phrase_is_an_error():
    with pytest.raises(ValueError):
        PhraseFinder(["", ""])
