"""The labelled intent corpus and the accuracy floor of the rule-based understanding."""

from __future__ import annotations

import io

import pytest

from agent.cli import main
from benchmarks.intents_eval import CORPUS_DIR, LANGUAGES, SPLITS, CorpusError, evaluate, load_split, run_eval
from intents.types import Intent, IntentResult

# Floors a little under the measured figures, so a change that loses understanding fails here.
FLOORS = {"train": 0.97, "dev": 0.95, "test": 0.90}


def test_the_corpus_has_600_utterances_covering_every_intent_and_style():
    examples = [e for split in SPLITS for e in load_split(CORPUS_DIR / f"{split}.tsv")]
    assert len(examples) >= 600
    assert {e.label for e in examples} == set(Intent)
    assert {"plain", "polite", "angry", "rambling", "nonnative", "asr"} <= {e.style for e in examples}
    texts = [e.text.lower() for e in examples]
    assert len(set(texts)) == len(texts), "an utterance is in the corpus twice"


@pytest.mark.parametrize("split", SPLITS)
def test_accuracy_floor(split):
    result = evaluate(load_split(CORPUS_DIR / f"{split}.tsv"), split)
    misses = "\n".join(f"{m.example.where} {m.example.label} -> {m.got}: {m.example.text}"
                       for m in result.misses)
    assert result.accuracy >= FLOORS[split], misses


def test_evaluate_counts_misses_with_a_fake_understanding(tmp_path):
    (tmp_path / "x.tsv").write_text("# comment\norder_status\tplain\tWhere is it?\ngoodbye\tasr\tbye\n")
    examples = load_split(tmp_path / "x.tsv")
    result = evaluate(examples, "x", understand=lambda _t: IntentResult(Intent.GOODBYE, 0.9))
    assert (result.correct, result.total) == (1, 2)
    assert result.misses[0].example.where == "x.tsv:2" and result.misses[0].got is Intent.GOODBYE
    assert result.by_style == {"asr": (1, 1), "plain": (0, 1)}


@pytest.mark.parametrize("line", ["order_status\tWhere is it?", "shouting\tplain\tHey!"])
def test_a_bad_corpus_line_is_named(tmp_path, line):
    (tmp_path / "x.tsv").write_text(line + "\n")
    with pytest.raises(CorpusError, match="x.tsv:1"):
        load_split(tmp_path / "x.tsv")


def test_run_eval_prints_the_accuracy_and_every_error(tmp_path):
    (tmp_path / "dev.tsv").write_text(
        "greet\tplain\tWhere is my order?\norder_status\tplain\tWhere is my order?\n")
    out = io.StringIO()
    [result] = run_eval(["dev"], out, corpus_dir=tmp_path)
    text = out.getvalue()
    assert "dev   1/2 = 50.0%" in text
    assert "dev.tsv:1" in text and "expected greet" in text and "got order_status" in text
    assert result.accuracy == 0.5


def test_the_command_prints_each_split_of_every_language(capsys):
    assert main(["intents-eval", "--split", "dev", "--no-errors"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines] == [[lang, "dev"] for lang in LANGUAGES]
    assert all("%" in line and "text LID" in line for line in lines)


def test_the_command_takes_one_language(capsys):
    assert main(["intents-eval", "--split", "train", "--language", "de", "--no-errors"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith("de train ") and "entities" in line
