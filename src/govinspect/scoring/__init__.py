"""Scoring: a site's findings under an indicator profile → verdict, score, not-checked list.

`score.score_site` is the pure model (vetoes, caps, 75 × 4/3, pass line, bonus gate);
`site` applies it to a SiteResult or a stored results.json site; `review` reads and writes the
inspector's review sheet; `rescore` re-scores an output directory. See docs/scoring.md.
"""

from govinspect.scoring.score import Score, score_site

__all__ = ["Score", "score_site"]
