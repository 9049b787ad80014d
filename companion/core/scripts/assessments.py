"""Assessments: questionnaires and observer ratings (PHQ-9, MOAA/S, a post-session check) as YAML.

The model says what is asked (items with their choices and scores), how a total is read (a sum,
bands with labels covering every possible total) and which answers raise a notice (PHQ-9 item 9
above 0). Loading is as strict as a session script's: every problem at its `FILE:LINE:COL`.
Scoring lives here too, so the console, the journal's readers and the report agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from companion.core.scripts.fields import Checker, Field
from companion.core.scripts.yamlio import Located, load_yaml_file

Rater = Literal["self", "observer"]
ItemKind = Literal["choice", "time", "text"]

DEFAULT_NOTICE_SAY = "The practice's safety plan applies."


@dataclass(frozen=True)
class Choice:
    score: int
    label: str


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    kind: ItemKind = "choice"
    choices: tuple[Choice, ...] = ()  # kind == "choice"
    scored: bool = True  # counts towards the total (a choice item only)
    optional: bool = False  # may be left unanswered without the form being incomplete

    def choice_for(self, score: int) -> Choice | None:
        return next((choice for choice in self.choices if choice.score == score), None)


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    label: str


@dataclass(frozen=True)
class NoticeRule:
    """An answer scoring above `above` on `item` raises a calm, persistent notice."""

    item: str
    above: int
    say: str = DEFAULT_NOTICE_SAY


@dataclass(frozen=True)
class Assessment:
    id: str
    title: str
    rater: Rater
    items: tuple[Item, ...]
    instructions: str = ""
    terms: str = ""  # the instrument's copyright or terms of use, shown with it
    bands: tuple[Band, ...] = ()
    notices: tuple[NoticeRule, ...] = ()
    scored: bool = False  # has a `scoring:` section: the scored items are summed
    source: Path | None = None

    def item(self, item_id: str) -> Item | None:
        return next((item for item in self.items if item.id == item_id), None)

    @property
    def scored_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.kind == "choice" and item.scored)

    @property
    def score_range(self) -> tuple[int, int]:
        """The lowest and highest total the scored items can add up to."""
        items = [item for item in self.scored_items if item.choices]
        low = sum(min(choice.score for choice in item.choices) for item in items)
        high = sum(max(choice.score for choice in item.choices) for item in items)
        return low, high

    def total(self, scores: Mapping[str, int]) -> int | None:
        """The sum of the scored items, or None until every one of them is answered."""
        if not self.scored:
            return None
        wanted = self.scored_items
        if not wanted or any(item.id not in scores for item in wanted):
            return None
        return sum(scores[item.id] for item in wanted)

    def band(self, total: int | None) -> str:
        if total is None:
            return ""
        return next((band.label for band in self.bands if band.low <= total <= band.high), "")

    def notice(self, item_id: str, score: int | None, answer: str) -> str:
        """The notice an answer raises, in plain words naming the answer; "" for none."""
        if score is None:
            return ""
        item = self.item(item_id)
        for rule in self.notices:
            if rule.item == item_id and score > rule.above and item is not None:
                number = self.items.index(item) + 1
                return f"{self.title}, item {number} ({item.text}): answered “{answer}”. {rule.say}".strip()
        return ""


# --- loading ---------------------------------------------------------------------------------

ASSESSMENT_KEYS = ("id", "title", "rater", "instructions", "terms", "choices", "items", "scoring", "notices")
ITEM_KEYS = ("id", "text", "kind", "choices", "scored", "optional")
CHOICE_KEYS = ("score", "label")
SCORING_KEYS = ("method", "bands")
BAND_KEYS = ("from", "to", "label")
NOTICE_KEYS = ("item", "above", "say")


def load_assessment(path: Path | str) -> Assessment:
    """Load and validate one assessment. Raises ScriptError listing every problem."""
    return parse_assessment(load_yaml_file(path))


def parse_assessment(doc: Located) -> Assessment:
    checker = Checker(doc)
    root = checker.root
    root.mapping(ASSESSMENT_KEYS, ("id", "title", "rater", "items"), what="an assessment (a mapping)")
    ident = root["id"].ident()
    title = root["title"].text(required=True)
    rater = root["rater"].choice(("self", "observer"), "observer")
    shared = _choices(root["choices"]) if root["choices"].present else ()
    items = _items(root["items"], shared)
    scoring = root["scoring"]
    bands: tuple[Band, ...] = ()
    if scoring.present and scoring.mapping(SCORING_KEYS, what="a scoring rule {method: sum, bands: [...]}"):
        scoring["method"].choice(("sum",), "sum")
        bands = tuple(band for item in scoring["bands"].items() if (band := _band(item)) is not None)
    notices = tuple(rule for node in root["notices"].items() if (rule := _notice(node, items)) is not None)
    assessment = Assessment(
        id=ident or "",
        title=title,
        rater=rater,  # type: ignore[arg-type]
        items=tuple(items),
        instructions=root["instructions"].text(),
        terms=root["terms"].text(),
        bands=bands,
        notices=notices,
        scored=scoring.present,
        source=doc.file,
    )
    if scoring.present and not checker.problems:
        _check_bands(assessment, scoring)
    checker.raise_if_any()
    return assessment


def _choices(node: Field) -> tuple[Choice, ...]:
    found: list[Choice] = []
    seen: dict[int, str] = {}
    for item in node.items(required=True, non_empty=True):
        if not item.mapping(CHOICE_KEYS, CHOICE_KEYS, what="a choice {score: 0, label: ...}"):
            continue
        score = item["score"].integer(minimum=-1000, maximum=1000, required=True)
        label = item["label"].text(required=True)
        if score in seen and item["score"].present:
            item["score"].problem(f'repeated score {score} (also "{seen[score]}"); each choice needs its own')
            continue
        seen[score] = label
        found.append(Choice(score, label))
    return tuple(found)


def _items(node: Field, shared: tuple[Choice, ...]) -> list[Item]:
    items: list[Item] = []
    seen: dict[str, str] = {}
    for each in node.items(required=True, non_empty=True):
        if not each.mapping(ITEM_KEYS, ("id", "text"), what="an item (a mapping with id: and text:)"):
            continue
        ident = each["id"].ident() or ""
        if ident in seen:
            each["id"].problem(f'repeated item id "{ident}" (also {seen[ident]})')
        elif ident:
            seen[ident] = each.path
        kind = each["kind"].choice(("choice", "time", "text"), "choice")
        choices: tuple[Choice, ...] = ()
        if kind == "choice":
            choices = _choices(each["choices"]) if each["choices"].present else shared
            if not choices and not each["choices"].present:
                each.problem("a choice item needs `choices:` (its own, or the assessment's shared ones)")
        elif each["choices"].present:
            each["choices"].problem(f"only for kind: choice; a {kind} item has no choices")
        items.append(
            Item(
                id=ident,
                text=each["text"].text(required=True),
                kind=kind,  # type: ignore[arg-type]
                choices=choices,
                scored=each["scored"].boolean(kind == "choice") and kind == "choice",
                optional=each["optional"].boolean(False),
            )
        )
    return items


def _band(node: Field) -> Band | None:
    if not node.mapping(BAND_KEYS, BAND_KEYS, what="a band {from: 0, to: 4, label: ...}"):
        return None
    low = node["from"].integer(minimum=-100_000, maximum=100_000, required=True)
    high = node["to"].integer(minimum=-100_000, maximum=100_000, required=True)
    label = node["label"].text(required=True)
    if node["from"].present and node["to"].present and low > high:
        node["to"].problem(f"expected a number of at least `from` ({low}), got {high}")
        return None
    return Band(low, high, label)


def _notice(node: Field, items: list[Item]) -> NoticeRule | None:
    if not node.mapping(NOTICE_KEYS, ("item", "above"), what="a notice rule {item: q9, above: 0}"):
        return None
    ident = node["item"].ident()
    above = node["above"].integer(minimum=-100_000, maximum=100_000, required=True)
    say = node["say"].text(DEFAULT_NOTICE_SAY) or DEFAULT_NOTICE_SAY
    if ident is None:
        return None
    known = {item.id: item for item in items}
    if ident not in known:
        from companion.core.scripts.fields import did_you_mean

        node["item"].problem(f'names an unknown item "{ident}"{did_you_mean(ident, known)}; items: {", ".join(known)}')
        return None
    if known[ident].kind != "choice":
        node["item"].problem(f'item "{ident}" is a {known[ident].kind} item; a notice rule needs a choice item')
        return None
    return NoticeRule(ident, above, say)


def _check_bands(assessment: Assessment, scoring: Field) -> None:
    """Bands must cover every total the items can add up to, once each."""
    low, high = assessment.score_range
    bands_node = scoring["bands"]
    if not assessment.bands:
        return  # a total without bands: the number alone is shown
    ordered = sorted(enumerate(assessment.bands), key=lambda pair: pair[1].low)
    expected = low
    for index, band in ordered:
        where = bands_node[index]
        if band.low > expected:
            gap = f"total {expected} is" if band.low - 1 == expected else f"totals {expected}-{band.low - 1} are"
            where["from"].problem(f"{gap} not covered by any band (totals run from {low} to {high})")
            return
        if band.low < expected and band.low >= low:
            where["from"].problem(f"this band overlaps the one before it (from {band.low}; expected {expected})")
            return
        expected = max(expected, band.high + 1)
    if expected <= high:
        bands_node.problem(f"the bands stop at {expected - 1}; totals up to {high} are possible")
    first, last = ordered[0][1], ordered[-1][1]
    if first.low < low or last.high > high:
        bands_node.problem(f"the bands run from {first.low} to {last.high}; totals run only from {low} to {high}")
