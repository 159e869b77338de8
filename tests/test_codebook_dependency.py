"""Dependency patterns: a codebook rule on the parse, for pipelines with a parser.

The parses here are written by hand (words, heads, labels), as a trained English pipeline
would produce them; none is downloaded. Every sentence was written for these tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.tokens import Doc

from policytext.codebook import check_codebook, codebook_from_dict, describe_codebook, load_codebook
from policytext.errors import CodebookError
from policytext.rhetoric import build_pipeline, doc_matches

HEAD = """\
[codebook]
name = "dep"
version = "1"

[[frames]]
id = "devolution"

"""
GIVE_POWER = (
    HEAD
    + """[[patterns]]
id = "dev-give-power-dep"
frame = "devolution"
dependency = [
  {RIGHT_ID = "verb", RIGHT_ATTRS = {LEMMA = {IN = ["give", "hand"]}}},
  {LEFT_ID = "verb", REL_OP = ">", RIGHT_ID = "power", RIGHT_ATTRS = {DEP = "dobj", LOWER = {IN = ["power", "powers"]}}},
  {LEFT_ID = "verb", REL_OP = ">>", RIGHT_ID = "tier", RIGHT_ATTRS = {LOWER = {IN = ["councils", "cities"]}}},
]
note = "A verb of giving whose object is power and which reaches a tier in its subtree."
"""
)

# "We will give the northern cities far more power ." -- give(ROOT) has dative "cities" and
# direct object "power"; the words are spread apart, which no token pattern of one order finds.
WORDS = ["We", "will", "give", "the", "northern", "cities", "far", "more", "power", "."]
HEADS = [2, 2, 2, 5, 5, 2, 7, 8, 2, 2]
DEPS = ["nsubj", "aux", "ROOT", "det", "amod", "dative", "advmod", "amod", "dobj", "punct"]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dep.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_dependency_pattern_loads_and_round_trips(tmp_path: Path) -> None:
    codebook = load_codebook(write(tmp_path, GIVE_POWER))
    (pattern,) = codebook.patterns
    assert pattern.kind == "dependency" and [n["RIGHT_ID"] for n in pattern.dependency] == [
        "verb",
        "power",
        "tier",
    ]
    again = codebook_from_dict(codebook.to_dict())
    assert again == codebook and again.hash == codebook.hash
    assert "dependency" in describe_codebook(codebook)


def test_codebooks_without_dependency_patterns_keep_their_stored_form() -> None:
    # Tags in the store are keyed by the hash of this form: a new pattern kind must not change it.
    assert all("dependency" not in pattern for pattern in load_codebook().to_dict()["patterns"])


def test_dependency_pattern_matches_a_parsed_sentence_and_nothing_without_a_parse(tmp_path: Path) -> None:
    nlp = build_pipeline(load_codebook(write(tmp_path, GIVE_POWER)))
    tagger = nlp.get_pipe("policytext_rhetoric")
    parsed = tagger(Doc(nlp.vocab, words=WORDS, heads=HEADS, deps=DEPS))
    assert [(m.pattern_id, m.text) for m in doc_matches(parsed)] == [
        ("dev-give-power-dep", "give the northern cities far more power")
    ]
    # The blank pipeline sets no parse: the rule stays silent rather than failing.
    assert doc_matches(nlp(" ".join(WORDS[:-1]) + ".")) == []
    # Another object than power is not a match.
    other = [*WORDS[:8], "money", "."]
    assert doc_matches(tagger(Doc(nlp.vocab, words=other, heads=HEADS, deps=DEPS))) == []


def test_codebook_check_warns_that_dependency_patterns_need_a_parser(tmp_path: Path) -> None:
    problems = check_codebook(write(tmp_path, GIVE_POWER))
    assert [p.is_error for p in problems] == [False]
    assert "needs a pipeline with a parser" in str(problems[0]) and ":8: warning:" in str(problems[0])


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (('REL_OP = ">>"', 'REL_OP = "=>"'), "REL_OP '=>' is not one of"),
        (
            ('LEFT_ID = "verb", REL_OP = ">>"', 'LEFT_ID = "noun", REL_OP = ">>"'),
            "LEFT_ID 'noun' names no earlier node",
        ),
        (('RIGHT_ID = "tier"', 'RIGHT_ID = "power"'), "RIGHT_ID 'power' must be a new name"),
        (
            ('{RIGHT_ID = "verb", RIGHT_ATTRS', '{RIGHT_ID = "verb", LEFT_ID = "x", RIGHT_ATTRS'),
            "unexpected ['LEFT_ID']",
        ),
        (('LOWER = {IN = ["councils", "cities"]}', 'LOWER = {REGEX = "([unclosed"}'), "REGEX"),
        (('DEP = "dobj", ', 'DEP = "dobj", OP = "+", '), "OP is not allowed"),
    ],
)
def test_bad_dependency_patterns_are_one_line_errors_with_file_and_line(
    tmp_path: Path, change: tuple[str, str], fragment: str
) -> None:
    path = write(tmp_path, GIVE_POWER.replace(*change))
    with pytest.raises(CodebookError) as caught:
        load_codebook(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:11: ") and fragment in message and "\n" not in message
