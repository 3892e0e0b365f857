"""Clause splitting per language, and the heard text to the character in Japanese."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline import word_timing as wt
from pipeline.clauses import Clause, heard_prefix, split_clauses, word_count
from pipeline.playout import Playout


def texts(reply: str, language: str, min_words: int = 3) -> list[str]:
    clauses = split_clauses(reply, min_words, language=language)
    for c in clauses:  # clauses always cover the reply in order, whatever the language
        assert reply[c.start:c.end] == c.text
    return [c.text for c in clauses]


def test_japanese_sentences_end_at_full_width_marks_without_spaces() -> None:
    assert texts("ご注文を確認しました。お荷物は明日届きます！ほかにご用件はございますか？", "ja") == [
        "ご注文を確認しました。", "お荷物は明日届きます！", "ほかにご用件はございますか？"]


def test_japanese_soft_break_at_the_ideographic_comma_once_the_clause_is_long_enough() -> None:
    assert texts("お荷物は明日の午前中に届きます、ご安心ください。", "ja") == [
        "お荷物は明日の午前中に届きます、", "ご安心ください。"]
    assert texts("はい、承知しました。", "ja") == ["はい、承知しました。"]  # "はい、" is too short alone


def test_cjk_words_count_two_characters_each() -> None:
    assert word_count("ご注文") == 2 and word_count("確認しました") == 3 and word_count("Nr. 10452") == 2


def test_spanish_questions_stay_whole_from_the_inverted_mark_to_the_closing_one() -> None:
    question = "¿Quiere que le envíe la etiqueta por correo, o prefiere un reembolso?"
    assert texts(f"¡Perfecto! {question}", "es") == ["¡Perfecto!", question]
    # outside a question the comma still splits
    assert texts("Su pedido salió ayer por la tarde, llegará mañana antes de las diez.", "es") == [
        "Su pedido salió ayer por la tarde,", "llegará mañana antes de las diez."]


def test_french_keeps_the_spaced_mark_with_its_clause() -> None:
    assert texts("Pouvez-vous me donner votre numéro de commande ? Voici ce que je peux faire : "
                 "un remboursement de 12,50 euros.", "fr") == [
        "Pouvez-vous me donner votre numéro de commande ?", "Voici ce que je peux faire :",
        "un remboursement de 12,50 euros."]


@pytest.mark.parametrize("language, reply, expected", [
    ("de", "Ich habe Ihre Bestellung Nr. 10452 gefunden. Danke.",
     ["Ich habe Ihre Bestellung Nr. 10452 gefunden.", "Danke."]),
    ("de", "Sie kommt am 3. Dezember an.", ["Sie kommt am 3. Dezember an."]),
    ("de", "Z. B. eine Rücksendung.", ["Z. B. eine Rücksendung."]),
    ("fr", "Merci Mme. Dupont. À bientôt.", ["Merci Mme. Dupont.", "À bientôt."]),
    ("es", "Sra. García, gracias. Adiós.", ["Sra. García, gracias.", "Adiós."]),
    ("it", "Grazie Sig. Rossi. Arrivederci.", ["Grazie Sig. Rossi.", "Arrivederci."]),
    ("en", "No. It left on the 3. Then", ["No.", "It left on the 3.", "Then"]),  # English has no dot ordinals
])
def test_abbreviations_initials_and_ordinals_end_no_sentence(language: str, reply: str,
                                                             expected: list[str]) -> None:
    assert texts(reply, language) == expected


def test_japanese_words_are_characters_weighted_by_morae() -> None:
    text = "明日、届きます。"
    spans = wt.text_words(text)
    assert [text[a:b] for a, b in spans] == ["明", "日、", "届", "き", "ま", "す。"]
    pcm = np.concatenate([np.zeros(800, np.int16), np.full(8000, 4000, np.int16), np.zeros(1600, np.int16)])
    marks = wt.marks_proportional(text, pcm)
    # morae: 明 2, 日 2, 届 2, き ま す 1 each = 9: 明 ends 2/9 of the voiced 8000 samples in
    assert marks[0] == wt.WordMark(1, 800 + round(8000 * 2 / 9))
    assert marks[-1] == wt.WordMark(len(text), 800 + 8000)
    assert wt.heard_chars(marks, 800 + 8000 * 4 // 9 + 1) == 3  # "明日、" heard, "届" not yet


def test_japanese_heard_prefix_snaps_to_a_character_not_the_clause_start() -> None:
    reply = "お荷物は明日の午前中に届きます、ご安心ください。"
    clause = Clause(reply[:16], 0, 16)
    heard = heard_prefix(reply, clause, 0.5)
    assert heard == reply[:8]


def test_playout_reports_the_japanese_characters_heard() -> None:
    reply = "ご注文を確認しました。"
    pcm = np.full(16_000, 4000, np.int16)  # one second, voiced throughout
    p = Playout()
    p.add_clause(1, reply, Clause(reply, 0, len(reply)), pcm, last=True,
                 marks=wt.marks_proportional(reply, pcm))
    for _ in range(25):  # 500 ms of the 1 s clause
        p.next_frame()
    heard = p.cancel()[0].heard_text
    assert reply.startswith(heard) and 3 <= len(heard) <= 7, heard


def test_words_share_only_their_own_stretch_of_voice_between_punctuation_pauses() -> None:
    tone = np.full(4800, 4000, np.int16)
    pcm = np.concatenate([tone[:1600], np.zeros(3200, np.int16), tone, np.zeros(800, np.int16)])
    marks = wt.marks_proportional("Danke, ich habe es.", pcm)
    # "Danke," owns the first 100 ms of voice; the 200 ms pause belongs to no word
    assert marks[0] == wt.WordMark(6, 1600)
    assert [m.sample_end for m in marks[1:]] == [4800 + 1600, 4800 + 3733, 4800 + 4800]  # 3:4:2 letters
    assert wt.heard_chars(marks, 4000) == 6  # in the pause: "Danke," heard, "ich" not begun


def test_without_a_pause_for_each_mark_words_share_the_whole_voice() -> None:
    pcm = np.full(9000, 4000, np.int16)  # no pause at the comma
    marks = wt.marks_proportional("ab, cd", pcm)
    assert [m.sample_end for m in marks] == [4500, 9000]
