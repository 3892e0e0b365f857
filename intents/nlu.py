"""Intent classification (rule-based, no network, well under 5 ms per utterance).

Each intent has weighted phrase patterns over a normalised transcript. An intent's score combines its
matched weights as independent evidence (noisy-or: 1 - prod(1 - w)). Patterns describe what the
caller means ("says delivered ... never got it"), not single keywords, so the most specific
reading wins. Dialogue acts (yes / no / hello / bye) give way to a clear task: "yes, I want to send
it back" is a return request. Nothing here logs: transcripts are caller PII.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from intents.entities import DEFAULT_POSTCODE_LENGTHS, POSTCODE_LENGTHS, extract_entities
from intents.languages.gloss import GLOSSED_LANGUAGES, gloss
from intents.languages.rules import GLOSS_CONCEPT_RULES, GLOSS_RULES, LONGEST_GLOSS_PHRASE
from intents.lexicon import CONCEPT_RULES, DAMPERS, LONGEST_PHRASE, StemmedTurn, stemmed_turn
from intents.spoken.intents import RULES, Rule
from intents.spoken.repair import REPAIR_RULES
from intents.types import Entities, Intent, IntentResult

_DIALOGUE_ACTS = frozenset({Intent.AFFIRM, Intent.DENY, Intent.GOODBYE, Intent.GREET})
_TASK_THRESHOLD = 0.5  # a task this sure outranks a "yes"/"no" said with it
_ACT_DAMPING = 0.5
_MIN_SCORE = 0.3  # below this we don't claim to know the intent
_LONG_TURN_WORDS = 10  # a turn longer than this is not a bare yes, no or hello
_LONG_ACT_DAMPING = 0.3

_SHORT_ACTS = frozenset({Intent.AFFIRM, Intent.DENY, Intent.GREET})
_NEGATED_WEIGHT = 0.2  # "I don't want to cancel", "it's not broken"
# Tie-break: the more specific problem first, generic order status last.
_PRIORITY = (
    Intent.DISPUTE, Intent.CALLBACK_REQUEST, Intent.DELIVERED_NOT_RECEIVED, Intent.CUSTOMS_DELAY,
    Intent.REFUND_STATUS, Intent.DAMAGED_ITEM,
    Intent.WRONG_ITEM, Intent.CANCEL_ORDER, Intent.CHANGE_ADDRESS, Intent.RETURN_REQUEST,
    Intent.HUMAN_AGENT, Intent.ORDER_STATUS, Intent.GOODBYE, Intent.DENY, Intent.AFFIRM, Intent.GREET,
)  # fmt: skip

_CONTRACTIONS = (
    (r"\b(where|what|that|it|there|who|how|he|she)'?s\b", r"\1 is"),
    (r"\b(do|does|did|has|have|is|was|were|are|could|would|should)n'?t\b", r"\1 not"),
    (r"\bwon'?t\b", "will not"),
    (r"\b(it|that|he|she|they|you|we|there|this)'ll\b", r"\1 will"),
    (r"\b(they|we)'re\b", r"\1 are"),
    (r"\b(you|they|we)'ve\b", r"\1 have"),
    (r"\bcan'?t\b", "cannot"),
    (r"\bi'm\b|\bim\b", "i am"),
    (r"\bi'd\b", "i would"),
    (r"\bi've\b|\bive\b", "i have"),
    (r"\bi'll\b", "i will"),
    (r"\byou're\b", "you are"),
    (r"\bcolour\b", "color"),
    # Whisper mishearings of the domain's key words, by sound ("change the dress" = address).
    (r"\b(change|update|correct|fix|edit) (?:the|my|a) dress\b", r"\1 the address"),
    (r"\bcounsel+(?:ed|ing)?\b|\bcancer(?= (?:my|the|it|this|that|an|our) )", "cancel"),
    (r"\bcostumes?\b", "customs"),
    (r"\b(?:oda|odor|odour)\b", "order"),
    (r"\b(?:wear|ware|were) (?=is |are )", "where "),
    (r"\bre fund(s|ed)?\b", r"refund\1"),
)
_CONTRACTION_RES = tuple((re.compile(p), r) for p, r in _CONTRACTIONS)
_NOT_WORDS = re.compile(r"[^a-z0-9' ]+")
# Leading hesitations hide "yes"/"no"/"hello" from the start-anchored rules ("uh, yeah").
_LEADING_FILLERS = re.compile(r"^(?:(?:uh|um|umm|er|erm|ah|hmm|well|so|oh)(?! huh) )+")
_NEGATORS = frozenset({"not", "never", "cannot"})
_NEGATION_REACH = 3
_ADDRESS = re.compile(r"\baddress\b")  # words before a pattern that can negate it


@dataclass(frozen=True)
class ScoredIntent:
    """An intent and its evidence score in 0..1 (before the confidence margin is applied)."""

    intent: Intent
    score: float


def normalise(text: str) -> str:
    """Lower case, plain apostrophes, expanded contractions, punctuation as spaces."""
    out = text.lower().replace("\u2019", "'").replace("`", "'")
    out = _NOT_WORDS.sub(" ", out)
    for pattern, replacement in _CONTRACTION_RES:
        out = pattern.sub(replacement, out)
    out = " ".join(out.replace("'", "").split())
    return _LEADING_FILLERS.sub("", out)


# A short answer to a yes/no question that speech recognition wrote as a near-homophone of "yes"
# ("US, please." for "Yes, please.", heard in CI): after politeness words, one word of at most four
# letters within two edits of a yes-word. Only for a turn the NLU could not place (OTHER), and only
# where the agent has just asked a yes/no question; a "no" in any form is never close enough
# ("now" and "nope" are 3 edits from every yes-word; "nah" is understood as a no before this).
_YES_WORDS = ("yes", "yeah", "yep", "yup")
_POLITENESS = frozenset({"please", "thanks", "thank", "you", "ok", "okay", "sure"})
_NO_WORDS = frozenset({"no", "nah", "nay", "naw", "nope", "not", "never", "dont", "cannot"})


def _edits(a: str, b: str) -> int:
    """Levenshtein distance (short words only)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def sounds_like_yes(text: str) -> bool:
    """Whether a reply to a yes/no question is a misheard "yes" (see ``_YES_WORDS``)."""
    words = normalise(text).split()
    if not words or len(words) > 4 or _NO_WORDS.intersection(words):
        return False
    content = [w for w in words if w not in _POLITENESS]
    return (len(content) == 1 and len(content[0]) <= 4
            and min(_edits(content[0], y) for y in _YES_WORDS) <= 2)


def _negated(text: str, start: int) -> bool:
    """Whether a word just before ``start`` negates the phrase there ("do not want to cancel")."""
    before = text[:start].split()[-_NEGATION_REACH:]
    return bool(_NEGATORS.intersection(before)) or (before[-1:] == ["no"])


def _rule_weight(rule: Rule, text: str) -> float:
    m = rule.pattern.search(text)
    if m is None:
        return 0.0
    return rule.weight * _NEGATED_WEIGHT if rule.negatable and _negated(text, m.start()) else rule.weight


def score_intents(text: str, *, glossed: bool = False) -> list[ScoredIntent]:
    """Every intent with evidence, best first (exposed for tests and tuning).

    ``glossed``: the text is a gloss of another language (:mod:`intents.languages.gloss`), read with
    the extra rules of :mod:`intents.languages.rules` too.
    """
    norm = normalise(text)
    missing: dict[Intent, float] = {}
    for rule in RULES + REPAIR_RULES + (GLOSS_RULES if glossed else ()):
        weight = _rule_weight(rule, norm)
        if weight:
            missing[rule.intent] = missing.get(rule.intent, 1.0) * (1.0 - weight)
    turn = StemmedTurn(norm, max(LONGEST_PHRASE, LONGEST_GLOSS_PHRASE)) if glossed else stemmed_turn(norm)
    for concept_rule in CONCEPT_RULES + (GLOSS_CONCEPT_RULES if glossed else ()):
        if concept_rule.fires(turn):
            missing[concept_rule.intent] = missing.get(concept_rule.intent, 1.0) * (1.0 - concept_rule.weight)
    scores = {intent: 1.0 - rest for intent, rest in missing.items()}
    for concept, damped, factor in DAMPERS:
        if turn.has(concept):
            scores = {i: v * factor if i in damped else v for i, v in scores.items()}
    task = max((s for i, s in scores.items() if i not in _DIALOGUE_ACTS), default=0.0)
    # A yes, no or hello is short; in a long turn ("yeah hi, um, I'm calling because ...") the
    # opening word is a filler, so any task named in it wins.
    long_turn = len(norm.split()) > _LONG_TURN_WORDS
    if task >= _TASK_THRESHOLD:
        scores = {i: s * _ACT_DAMPING if i in _DIALOGUE_ACTS else s for i, s in scores.items()}
    if long_turn:
        scores = {i: s * _LONG_ACT_DAMPING if i in _SHORT_ACTS else s for i, s in scores.items()}
    ranked = sorted(scores.items(), key=lambda kv: (-round(kv[1], 6), _PRIORITY.index(kv[0])))
    return [ScoredIntent(intent, score) for intent, score in ranked]


def _has_entities(entities: Entities) -> bool:
    return bool(entities.digits or entities.emails or entities.postcodes or entities.tracking_numbers)


_ALSO_SCORE = 0.8  # a second reading this strong is worth the stage's look (IntentResult.also)


def understand(text: str, language: str = "en") -> IntentResult:
    """Classify one caller utterance and extract its entities (see :mod:`intents.entities`).

    An utterance that only gives data ("it's 4 7 1 1 9") is :attr:`Intent.OTHER` with entities; the
    dialogue knows what it asked for. Confidence is the winner's score less half the runner-up's.
    ``language`` is the ISO 639-1 code the caller spoke: German, French, Spanish, Italian and Japanese
    are read through the gloss layer (:mod:`intents.languages.gloss`) as the English words the rules
    know, numbers said the local way included; English and any other language are read as they are.
    """
    glossed = language != "en" and language in GLOSSED_LANGUAGES
    if glossed:
        text = gloss(text, language)
    postcode_lengths = POSTCODE_LENGTHS.get(language, DEFAULT_POSTCODE_LENGTHS)
    entities = extract_entities(text, postcode_lengths=postcode_lengths)
    if glossed and entities.emails:
        # "Adresse", "adresse", "indirizzo" name an email address as often as a home: with an email in
        # the turn, it is the email's.
        text = _ADDRESS.sub("email", text)
    ranked = score_intents(text, glossed=glossed)
    if not ranked or ranked[0].score < _MIN_SCORE:
        return IntentResult(Intent.OTHER, 0.7 if _has_entities(entities) else 0.4, entities)
    best = ranked[0]
    second = ranked[1].score if len(ranked) > 1 else 0.0
    confidence = min(0.99, max(0.05, best.score - 0.5 * second))
    also = tuple(r.intent for r in ranked[1:] if r.score >= _ALSO_SCORE)
    return IntentResult(best.intent, round(confidence, 3), entities, also)
