"""Each engine speaks a sentence per language: audible, at the pipeline rate, of a plausible length;
the processor speaks each reply in the voice of its language; English alone never loads Kokoro."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from pipecat.tests.utils import run_test

from intents.types import Reply
from pipeline.clock import MonotonicClock
from pipeline.events import CallLog
from pipeline.frames import ReplyAudioFrame, ReplyFrame
from pipeline.processors.base import CallContext
from pipeline.processors.tts import TtsProcessor
from pipeline.tts import OUTPUT_RATE_HZ, CachingSynthesizer, Synthesis, warm_cache
from pipeline.voice_bank import VoiceBank, load_voice, load_voice_bank
from pipeline.word_timing import WordMark
from voices.languages import Engine, for_language

SENTENCES = {
    "de": "Ihre Bestellung ist gestern verschickt worden und kommt morgen an.",
    "fr": "Votre commande est partie hier et arrivera demain.",
    "es": "Su pedido salió ayer y llegará mañana.",
    "it": "Il suo ordine è partito ieri e arriverà domani.",
    "pt": "A sua encomenda saiu ontem e chega amanhã.",
    "zh": "您的订单昨天已经发出，明天到达。",
}


def _check_speech(pcm: np.ndarray, text: str, chars_per_s: tuple[float, float]) -> None:
    assert pcm.dtype == np.int16 and pcm.ndim == 1
    assert np.abs(pcm.astype(np.int32)).max() > 3000  # audible, not silence
    seconds = len(pcm) / OUTPUT_RATE_HZ
    low, high = chars_per_s  # speaking rate bounds, in characters of text a second
    assert len(text) / high < seconds < len(text) / low, seconds


@pytest.mark.parametrize("language", sorted(SENTENCES))
def test_espeak_speaks_each_language(language: str) -> None:
    choice = for_language(language)
    assert choice.engine is Engine.ESPEAK
    synth = load_voice(choice)
    out = synth.synthesize(SENTENCES[language])
    _check_speech(out.pcm, SENTENCES[language], (3.0, 25.0) if language != "zh" else (1.0, 8.0))
    assert len(out.word_marks) == len(SENTENCES[language].split()) or language == "zh"
    assert out.word_marks[-1].sample_end <= len(out.pcm)
    assert synth.synthesize(SENTENCES[language]).compute_ms < 5.0  # the clause cache


@pytest.mark.parametrize("language", ["de", "ja"])
def test_a_clause_with_nothing_to_say_is_empty_audio_not_an_error(language: str,
                                                                  kokoro: CachingSynthesizer) -> None:
    synth = kokoro if language == "ja" else load_voice(for_language(language))
    assert len(synth.synthesize("").pcm) == 0 and len(synth.synthesize(" ").pcm) == 0


def test_espeak_takes_a_leading_dash_as_text_not_an_option() -> None:
    out = load_voice(for_language("de")).synthesize("-v Hallo")
    assert len(out.pcm) / OUTPUT_RATE_HZ > 0.3


@pytest.fixture(scope="module")
def kokoro() -> CachingSynthesizer:
    return load_voice(for_language("ja"))


def test_kokoro_speaks_japanese(kokoro: CachingSynthesizer) -> None:
    text = "ご注文を確認しました。"
    out = kokoro.synthesize(text)
    _check_speech(out.pcm, text, (2.0, 12.0))  # Japanese: ~7 morae (5-8 characters) a second
    assert len(out.word_marks) == len(text) - 1  # one per character, 。 with the last one
    ends = [m.sample_end for m in out.word_marks]
    assert ends == sorted(ends) and ends[-1] <= len(out.pcm)


@dataclass(frozen=True)
class _LanguageReply(Reply):
    language: str = "en"  # the i18n branch adds this field to Reply itself


class _Recording(CachingSynthesizer):
    """A stand-in voice: 100 ms of tone per clause, and a list of what it said."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language
        self.said: list[str] = []

    def synthesize(self, text: str) -> Synthesis:
        self.said.append(text)
        return Synthesis(np.full(1600, 5000, np.int16), 0.0)


async def test_the_processor_speaks_each_reply_in_its_languages_voice() -> None:
    en, de, ja = _Recording("en"), _Recording("de"), _Recording("ja")
    bank = VoiceBank(english=en)
    bank._by_language.update(de=de, ja=ja)
    ctx = CallContext("t", MonotonicClock(), CallLog())
    frames = [
        ReplyFrame(reply_id=1, reply=_LanguageReply("Ich habe Ihre Bestellung gefunden, sie kommt am 3. "
                                                    "Dezember an.", language="de")),
        ReplyFrame(reply_id=2, reply=_LanguageReply("お荷物は明日の午前中に届きます、ご安心ください。",
                                                    language="ja")),
        ReplyFrame(reply_id=3, reply=Reply("Thanks for calling.")),  # a Reply without a language: en
    ]
    down, _ = await run_test(TtsProcessor(ctx, bank), frames_to_send=frames)
    audio = [f for f in down if isinstance(f, ReplyAudioFrame)]
    assert de.said == ["Ich habe Ihre Bestellung gefunden,", "sie kommt am 3. Dezember an."]
    assert ja.said == ["お荷物は明日の午前中に届きます、", "ご安心ください。"]
    assert en.said == ["Thanks for calling."]
    assert [(f.reply_id, f.last) for f in audio] == [(1, False), (1, True), (2, False), (2, True), (3, True)]


def test_a_bank_preloads_every_served_language_and_defaults_to_the_first() -> None:
    bank = load_voice_bank(["de", "fr"])
    assert bank.loaded("de") is not None and bank.loaded("fr") is not None and bank.loaded("en") is None
    assert bank.synthesizer(None).language == "de"


def test_an_english_only_deployment_never_loads_kokoro() -> None:
    code = ("import sys\n"
            "from pipeline.voice_bank import load_voice_bank\n"
            "from pipeline.processors.tts import TtsProcessor\n"
            "bank = load_voice_bank(['en'])\n"
            "bank.synthesizer('en').synthesize('Hello there.')\n"
            "bank.synthesizer('de').synthesize('Hallo.')\n"
            "print(sorted(m for m in sys.modules if m.startswith(('kokoro', 'pyopenjtalk'))))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


class _Counting(CachingSynthesizer):
    def __init__(self) -> None:
        super().__init__()
        self.renders = 0

    def _render(self, text: str) -> tuple[np.ndarray, tuple[WordMark, ...]]:
        self.renders += 1
        return np.full(1600 * len(text), 4000, np.int16), (WordMark(len(text), 1600 * len(text)),)


def test_fixed_phrases_persist_across_restarts_and_caller_text_never_does(tmp_path: Path) -> None:
    first = _Counting()
    first.persist_dir = tmp_path
    warm_cache(first, ["ご注文を確認しました。ありがとうございます。"], 3)
    assert first.renders == 1 and len(list(tmp_path.glob("*.npz"))) == 1
    restarted = _Counting()
    restarted.persist_dir = tmp_path
    out = restarted.prepare("ご注文を確認しました。")
    assert restarted.renders == 0  # read back, not rendered
    assert np.array_equal(out.pcm, first.synthesize("ご注文を確認しました。").pcm)
    assert out.word_marks == (WordMark(11, 1600 * 11),)
    assert restarted.synthesize("ご注文を確認しました。").compute_ms < 5.0 and restarted.renders == 0
    restarted.synthesize("田中様、ご注文番号は10452ですね。")  # a reply with caller data: memory only
    assert len(list(tmp_path.glob("*.npz"))) == 1


def test_an_unreadable_persisted_phrase_is_rendered_again(tmp_path: Path) -> None:
    synth = _Counting()
    synth.persist_dir = tmp_path
    synth.prepare("Hallo.")
    next(tmp_path.glob("*.npz")).write_bytes(b"not a numpy file")
    again = _Counting()
    again.persist_dir = tmp_path
    assert len(again.prepare("Hallo.").pcm) == 1600 * 6 and again.renders == 1


@pytest.mark.parametrize("text, pause_ms", [("お荷物は明日届きます、", 200), ("ご安心ください。", 250)])
def test_kokoro_clauses_end_in_the_pause_their_mark_calls_for(kokoro: CachingSynthesizer, text: str,
                                                              pause_ms: int) -> None:
    # Kokoro trims its audio to 30 ms of silence; a reply cut at 、 must still breathe there
    pcm = kokoro.synthesize(text).pcm
    loud = np.flatnonzero(np.abs(pcm.astype(np.int32)) > 328)
    tail_ms = (len(pcm) - loud[-1] - 1) / 16
    assert pause_ms <= tail_ms <= pause_ms + 80, tail_ms


def test_kokoro_persists_its_fixed_phrases_per_model_and_voice(kokoro: CachingSynthesizer) -> None:
    assert kokoro.persist_dir is not None and "jf_alpha" in kokoro.persist_dir.name


def test_espeak_word_marks_put_the_comma_pause_after_the_first_word() -> None:
    out = load_voice(for_language("de")).synthesize("Danke, ich habe Ihre Bestellung gefunden.")
    loud = np.abs(out.pcm.astype(np.int32)) > 328
    first_word_end = out.word_marks[0].sample_end
    # the mark sits where the voice stops for the comma: the next 100 ms are silent
    assert not loud[first_word_end + 160:first_word_end + 1600].any()
    assert loud[max(0, first_word_end - 800):first_word_end].any()
