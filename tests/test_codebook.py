"""Codebook loading, validation with FILE:LINE errors, checks and dictionary import."""

from __future__ import annotations

from pathlib import Path

import pytest

from policytext.codebook import (
    Codebook,
    check_codebook,
    codebook_from_dict,
    describe_codebook,
    load_codebook,
    parse_toml_codebook,
)
from policytext.errors import CodebookError
from policytext.rhetoric import build_pipeline, doc_matches

MINIMAL = """\
[codebook]
name = "mini"
version = "2"

[[frames]]
id = "devolution"
label = "Devolution"

[[patterns]]
id = "dev-devolve"
frame = "devolution"
phrase = "devolve power"
"""


def write(tmp_path: Path, text: str, name: str = "cb.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_codebook_default_loads_with_all_eight_frames() -> None:
    codebook = load_codebook()
    assert codebook.frames == (
        "empowerment",
        "devolution",
        "social_action",
        "civil_society",
        "market_reform",
        "collaboration",
        "responsibility",
        "targeting",
    )
    assert len(codebook.hash) == 64
    assert codebook.version == "1.9"
    assert all(p.note for p in codebook.patterns), "every default pattern explains why it is there"


def test_codebook_default_has_no_problems() -> None:
    assert check_codebook() == []


def test_codebook_minimal_parses(tmp_path: Path) -> None:
    codebook = load_codebook(write(tmp_path, MINIMAL))
    assert codebook.name == "mini"
    assert codebook.version == "2"
    assert codebook.patterns[0].terms == ("devolve", "power")
    assert codebook.patterns[0].line == 9


def test_codebook_hash_follows_content_not_file(tmp_path: Path) -> None:
    first = load_codebook(write(tmp_path, MINIMAL, "a.toml"))
    same = load_codebook(write(tmp_path, "# a comment\n" + MINIMAL, "b.toml"))
    changed = load_codebook(write(tmp_path, MINIMAL.replace("devolve power", "devolve money"), "c.toml"))
    assert first.hash == same.hash
    assert first.hash != changed.hash


def test_codebook_round_trips_through_dict() -> None:
    codebook = load_codebook()
    again = codebook_from_dict(codebook.to_dict())
    assert again == codebook
    assert again.hash == codebook.hash


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (
            MINIMAL.replace('frame = "devolution"', 'frame = "localism"'),
            11,
            "frame 'localism' is not defined",
        ),
        (MINIMAL.replace('id = "dev-devolve"', 'id = "bad id!"'), 10, "needs an id"),
        (
            MINIMAL + '\n[[patterns]]\nid = "dev-devolve"\nframe = "devolution"\nphrase = "x"\n',
            15,
            "duplicate id",
        ),
        (
            MINIMAL.replace('phrase = "devolve power"', 'phrase = ""'),
            12,
            "phrase must be a non-empty",
        ),
        (
            MINIMAL.replace('phrase = "devolve power"', 'phraze = "devolve power"'),
            12,
            "unknown key 'phraze'",
        ),
        (
            MINIMAL.replace('phrase = "devolve power"', 'tokens = "power"'),
            12,
            "tokens must be a non-empty list",
        ),
        (
            MINIMAL.replace('phrase = "devolve power"', 'tokens = [{LOWR = "power"}]'),
            12,
            "unknown token attribute",
        ),
        (MINIMAL.replace('phrase = "devolve power"', 'near = [["power"]]'), 12, "near must be two"),
        (
            MINIMAL.replace('phrase = "devolve power"', 'near = [["a"], ["b"]]\nwindow = 0'),
            13,
            "window must be",
        ),
        (MINIMAL.replace('id = "devolution"\n', 'id = "Devolution"\n'), 6, "frame id 'Devolution'"),
        (MINIMAL.replace('version = "2"', 'version = "2'), 3, "invalid TOML"),
        (MINIMAL + '\n[[frames]]\nid = "empowerment"\n', 14, "frame 'empowerment' has no patterns"),
        (
            MINIMAL + '\n[[exclusions]]\nid = "x"\nframes = ["nope"]\nphrase = "power station"\n',
            16,
            "frame 'nope'",
        ),
        (
            MINIMAL + '\n[[exclusions]]\nid = "x"\nphrase = "a"\nscope = "doc"\n',
            17,
            "scope must be",
        ),
    ],
)
def test_codebook_errors_name_file_and_line(tmp_path: Path, text: str, line: int, fragment: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    message = str(info.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert fragment in message
    assert "\n" not in message


def test_codebook_missing_file_is_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match=r"nope\.toml: no such codebook file"):
        load_codebook(tmp_path / "nope.toml")


def test_codebook_check_reports_patterns_that_can_never_match(tmp_path: Path) -> None:
    text = MINIMAL + (
        '\n[[patterns]]\nid = "dev-split"\nframe = "devolution"\n'
        'tokens = [{LOWER = "decision-making"}]\n'
        '\n[[patterns]]\nid = "dev-caps"\nframe = "devolution"\ntokens = [{LOWER = "Whitehall"}]\n'
        '\n[[patterns]]\nid = "dev-pos"\nframe = "devolution"\ntokens = [{POS = "VERB"}, {LOWER = "power"}]\n'
        '\n[[patterns]]\nid = "dev-again"\nframe = "devolution"\nphrase = "devolve power"\n'
    )
    path = write(tmp_path, text)
    problems = check_codebook(path)
    rendered = [str(p) for p in problems]
    assert any(r.startswith(f"{path}:14: ") and "decision | - | making" in r for r in rendered), rendered
    assert any(r.startswith(f"{path}:19: ") and "has capitals" in r for r in rendered), rendered
    assert any(r.startswith(f"{path}:24: warning: ") and "POS" in r for r in rendered), rendered
    assert any(r.startswith(f"{path}:29: ") and "duplicates 'dev-devolve'" in r for r in rendered), rendered
    assert [p.is_error for p in problems].count(False) == 1


def test_codebook_check_reports_multi_word_regex(tmp_path: Path) -> None:
    # A regex on one token that needs a space (or a hyphen between letters, which
    # the tokenizer splits off) can never match.
    text = MINIMAL + (
        '\n[[patterns]]\nid = "dev-regex-space"\nframe = "devolution"\n'
        'tokens = [{LOWER = {REGEX = "^city deals?$"}}]\n'
        '\n[[patterns]]\nid = "dev-regex-hyphen"\nframe = "devolution"\n'
        'tokens = [{LOWER = {REGEX = "^co-operat"}}]\n'
        '\n[[patterns]]\nid = "dev-regex-fine"\nframe = "devolution"\n'
        'tokens = [{LOWER = {REGEX = "^co-?produc"}}]\n'
    )
    path = write(tmp_path, text)
    rendered = [str(p) for p in check_codebook(path)]
    assert any(r.startswith(f"{path}:14: ") and "REGEX" in r for r in rendered), rendered
    assert any(r.startswith(f"{path}:19: ") and "REGEX" in r for r in rendered), rendered
    assert not any(f"{path}:24:" in r for r in rendered), rendered
    branches = MINIMAL + (
        '\n[[patterns]]\nid = "dev-regex-branch"\nframe = "devolution"\n'
        'tokens = [{LOWER = {REGEX = "^(co-op|coop)s?$"}}]\n'
    )
    [problem] = check_codebook(write(tmp_path, branches, "branches.toml"))
    assert not problem.is_error
    assert "has a branch that can never match" in str(problem)


def test_codebook_check_turns_load_errors_into_problems(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.replace('frame = "devolution"', 'frame = "x"'))
    [problem] = check_codebook(path)
    assert (problem.file, problem.line) == (str(path), 11)


def test_codebook_describe_lists_frames_and_patterns() -> None:
    text = describe_codebook(load_codebook())
    assert "## devolution: Devolution" in text
    assert "`dev-localism`" in text
    assert '"hash"' in describe_codebook(load_codebook(), fmt="json")


def test_codebook_parse_toml_default_source_in_errors() -> None:
    with pytest.raises(CodebookError, match=r"^<codebook>:1: no frames defined"):
        parse_toml_codebook("")


# -- dictionary import ----------------------------------------------------------------


QUANTEDA = """\
empowerment:
  - empower*
  - people power
devolution:
  central:
    - decentrali?ation
  local:
    - localism
"""

LIWC = "%\n1\tempowerment\n2\tdevolution\n%\nempower*\t1\ndevol*\t2\npeople power\t1\t2\n"


def test_codebook_imports_quanteda_yaml(tmp_path: Path) -> None:
    codebook = load_codebook(write(tmp_path, QUANTEDA, "lexicoder.yml"))
    assert isinstance(codebook, Codebook)
    assert codebook.frames == ("empowerment", "devolution_central", "devolution_local")
    assert [p.terms for p in codebook.patterns] == [
        ("empower*",),
        ("=people", "=power"),
        ("decentrali?ation",),
        ("=localism",),
    ]
    assert codebook.patterns[1].note == "people power (line 3)"


def test_codebook_imports_liwc_dic(tmp_path: Path) -> None:
    codebook = load_codebook(write(tmp_path, LIWC, "dict.dic"))
    assert codebook.frames == ("empowerment", "devolution")
    by_frame = {f: [p.terms for p in codebook.patterns if p.frame == f] for f in codebook.frames}
    assert by_frame == {
        "empowerment": [("empower*",), ("=people", "=power")],
        "devolution": [("devol*",), ("=people", "=power")],
    }


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        (
            "d.dic",
            "%\n1\tempowerment\n%\nempower*\t7\n",
            "d.dic:4: entry 'empower*' names unknown category 7",
        ),
        ("d.dic", "1\tempowerment\nempower*\t1\n", "d.dic:1: a LIWC dictionary starts with"),
        ("d.dic", "%\n1\tempowerment\n%\nempower*\n", "d.dic:4: entry 'empower*' has no category"),
        ("d.yml", "empowerment: [\n", "d.yml:2: invalid YAML"),
        ("d.yml", "- a\n- b\n", "d.yml:1: a quanteda dictionary must be a mapping"),
        ("d.yml", "empowerment:\n  - [a, b]\n", "d.yml:2: entries of 'empowerment'"),
    ],
)
def test_codebook_dictionary_errors_name_file_and_line(
    tmp_path: Path, name: str, text: str, fragment: str
) -> None:
    path = write(tmp_path, text, name)
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    assert str(info.value) == f"{tmp_path}/{fragment}" or str(info.value).startswith(f"{tmp_path}/{fragment}")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("hyphen.yml", 'civil_society:\n  - co-operat*\n  - people-power*\n  - "*-led"\n'),
        ("hyphen.dic", "%\n1\tcivil_society\n%\nco-operat*\t1\npeople-power*\t1\n*-led\t1\n"),
    ],
)
def test_codebook_imported_globs_with_hyphens_match(tmp_path: Path, name: str, text: str) -> None:
    # The tokenizer splits "co-operative" into co | - | operative: a glob kept as one
    # token slot could never match, silently (the quanteda multi-word complaint).
    from policytext.rhetoric import build_pipeline, doc_matches

    nlp = build_pipeline(load_codebook(write(tmp_path, text, name)))
    doc = nlp("Co-operatives, people-powered services and community-led plans.")
    assert [m.text for m in doc_matches(doc)] == [
        "Co-operatives",
        "people-powered",
        "community-led",
    ]


def test_codebook_check_names_dictionary_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "devolution:\n  - devol*\n  - localism\n  - devol*\n", "dup.yml")
    [problem] = check_codebook(path)
    assert str(problem) == f"{path}:4: 'devolution-3' duplicates 'devolution-1'"


# -- safety: regular expressions, confusable and invisible characters ------------------------

REGEX_BOOK = (
    MINIMAL
    + """
[[patterns]]
id = "dev-regex"
frame = "devolution"
tokens = [{LOWER = {REGEX = "%s"}}]
"""
)


@pytest.mark.parametrize(
    ("regex", "fragment"),
    [
        ("([unclosed", "invalid regular expression (unterminated character set"),
        ("(a+)+$", "nested quantifiers"),
        ("^(\\\\w+\\\\s?)*$", "nested quantifiers"),
    ],
)
def test_codebook_bad_regexes_are_rejected_with_file_and_line(
    tmp_path: Path, regex: str, fragment: str
) -> None:
    path = write(tmp_path, REGEX_BOOK % regex)
    with pytest.raises(CodebookError) as raised:
        load_codebook(path)
    assert str(raised.value).startswith(f"{path}:17: token 1: LOWER REGEX ")
    assert fragment in str(raised.value)
    problems = check_codebook(path)
    assert [(p.line, p.is_error) for p in problems] == [(17, True)]
    assert fragment in problems[0].message


def test_codebook_check_reports_every_broken_pattern_and_exclusion(tmp_path: Path) -> None:
    text = (
        REGEX_BOOK % "([unclosed"
        + """
[[patterns]]
id = "dev-ok"
frame = "devolution"
phrase = "localism"

[[patterns]]
id = "dev-nested"
frame = "devolution"
tokens = [{LOWER = {REGEX = "(a+)+$"}}]

[[patterns]]
id = "dev-nowhere"
frame = "nosuch"
phrase = "devolve"

[[exclusions]]
id = "x-bad"
frames = ["devolution"]
tokens = [{LOWER = {REGEX = "(b*)*"}}]
"""
    )
    path = write(tmp_path, text)
    with pytest.raises(CodebookError) as raised:
        load_codebook(path)
    # The message stays one line, the first error; every error is in .problems, in file order.
    assert str(raised.value).startswith(f"{path}:17: token 1: LOWER REGEX '([unclosed'")
    assert [problem.split(": ", 2)[0] for problem in raised.value.problems] == [
        f"{path}:17", f"{path}:27", f"{path}:31", f"{path}:37",
    ]  # fmt: skip
    problems = check_codebook(path)
    assert [(p.line, p.is_error) for p in problems] == [(17, True), (27, True), (31, True), (37, True)]
    assert "nested quantifiers" in problems[1].message and "nested quantifiers" in problems[3].message
    assert "frame 'nosuch' is not defined" in problems[2].message


WHOLE_FILE_PROBLEMS = """\
[codebook]
name = "mini"
version = "2"

[extras]
note = "a table the format does not have"

[[frames]]
id = "devolution"

[[frames]]
id = "Bad Id"

[[frames]]
id = "empowerment"
colour = "red"

[[patterns]]
id = "dev-devolve"
frame = "devolution"
phrase = "devolve power"

[[patterns]]
id = "emp-regex"
frame = "empowerment"
tokens = [{LOWER = {REGEX = "([unclosed"}}]

[negation]
window = 0

[classifier]
file = "none.npz"
sha256 = "not a digest"
"""


def test_codebook_check_reports_whole_file_problems_together(tmp_path: Path) -> None:
    path = write(tmp_path, WHOLE_FILE_PROBLEMS)
    problems = check_codebook(path)
    assert [(p.line, p.is_error) for p in problems] == [
        (5, True), (12, True), (16, True), (26, True), (28, True), (31, True),
    ]  # fmt: skip
    assert "unknown table 'extras'" in problems[0].message
    assert "frame id 'Bad Id'" in problems[1].message
    assert "'colour'" in problems[2].message
    assert "invalid regular expression" in problems[3].message
    assert "negation window must be a positive integer, not 0" in problems[4].message
    assert "sha256 must be the file's SHA-256" in problems[5].message
    # No cascade: the frame whose only pattern is broken is not also reported as having none.
    assert not any("has no patterns" in p.message for p in problems)
    with pytest.raises(CodebookError) as raised:
        load_codebook(path)
    assert str(raised.value) == f"{path}:5: unknown table 'extras'; " + str(raised.value).split("; ", 1)[1]
    assert len(raised.value.problems) == 6


def test_codebook_negation_that_is_not_a_table_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path, 'negation = "not"\n' + MINIMAL)
    with pytest.raises(CodebookError, match=r"cb.toml:\d+: \[negation\] must be a table"):
        load_codebook(path)


def test_codebook_check_warns_about_keys_an_entry_does_not_use(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + """
[[patterns]]
id = "dev-window"
frame = "devolution"
phrase = "devolve budget"
window = 3

[[patterns]]
id = "dev-near-gap"
frame = "devolution"
near = [["power"], ["council"]]
gap = 2
ordered = true

[[exclusions]]
id = "x-tokens-gap"
tokens = [{LOWER = "station"}]
gap = 1
"""
    )
    problems = check_codebook(write(tmp_path, text))
    assert [(p.line, p.is_error, p.message) for p in problems] == [
        (14, False, "'dev-window' is a phrase entry: window (proximity rules only) does nothing here"),
        (20, False, "'dev-near-gap' is a proximity entry: gap (phrases only) does nothing here"),
        (27, False, "'x-tokens-gap' is a tokens entry: gap (phrases only) does nothing here"),
    ]


def test_codebook_check_patterns_differing_only_in_gap_are_not_duplicates(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + """
[[patterns]]
id = "dev-devolve-gap"
frame = "devolution"
phrase = "devolve power"
gap = 2
"""
    )
    assert check_codebook(write(tmp_path, text)) == []
    assert "duplicates 'dev-devolve'" in str(check_codebook(write(tmp_path, text.replace("gap = 2", ""))))


def test_codebook_no_break_space_is_no_trap(tmp_path: Path) -> None:
    # NFKC makes it a plain space, so the pattern matches text typed with either.
    path = write(tmp_path, MINIMAL.replace("devolve power", "devolve\u00a0power"))
    assert check_codebook(path) == []
    nlp = build_pipeline(path)
    assert [m.text for m in doc_matches(nlp("We devolve power."))] == ["devolve power"]


@pytest.mark.parametrize(
    ("tokens", "message"),
    [
        ('[{LOWER = {FOO = ["x"]}}]', "spaCy rejects the token pattern: token 1: LOWER -> FOO: Extra inputs"),
        ('[{LOWER = "power"}, {IS_PUNCT = "yes"}]', "token 2: IS_PUNCT: Input should be a valid boolean"),
        ('[{LOWER = "power", OP = "{}"}]', "token 1: OP: Input should be"),
    ],
)
def test_codebook_token_patterns_spacy_would_reject_are_errors(
    tmp_path: Path, tokens: str, message: str
) -> None:
    # Each passed the checks before and failed (a traceback) or never matched when tagging.
    path = write(tmp_path, MINIMAL + f'\n[[patterns]]\nid = "odd"\nframe = "devolution"\ntokens = {tokens}\n')
    with pytest.raises(CodebookError, match=r"cb\.toml:17: ") as raised:
        load_codebook(path)
    assert message in str(raised.value)


def test_codebook_unknown_keys_in_codebook_and_negation_are_errors(tmp_path: Path) -> None:
    text = MINIMAL.replace('version = "2"', 'versoin = "2"') + "\n[negation]\nwindw = 3\n"
    problems = check_codebook(write(tmp_path, text))
    assert [(p.line, p.message) for p in problems] == [
        (1, "unknown key 'versoin' in [codebook]; expected one of name, version, description"),
        (14, "unknown key 'windw' in [negation]; expected one of cues, window"),
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('name = "mini"', "name = {a = 1}", ":1: [codebook] name must be a string, not {'a': 1}"),
        (
            'name = "mini"',
            'name = "mini"\ndescription = 3',
            ":1: [codebook] description must be a string, not 3",
        ),
        (
            'label = "Devolution"',
            'label = ["x"]',
            ":5: frame 'devolution': label must be a string, not ['x']",
        ),
        (
            'label = "Devolution"',
            "definition = 1",
            ":5: frame 'devolution': definition must be a string, not 1",
        ),
        (
            'phrase = "devolve power"',
            'phrase = "devolve power"\nnote = 5',
            ":9: pattern 'dev-devolve': note must",
        ),
        (
            'phrase = "devolve power"',
            'tokens = [{LOWER = "power", OP = "{5,2}"}]',
            ":12: bad OP '{5,2}': at least 5 but at most 2 tokens",
        ),
    ],
)
def test_codebook_values_of_the_wrong_type_are_errors(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    # Each used to pass (stored as text) or, for the operator, never match.
    path = write(tmp_path, MINIMAL.replace(old, new))
    with pytest.raises(CodebookError) as raised:
        load_codebook(path)
    assert str(raised.value).startswith(f"{path}{message}")


def test_codebook_error_problems_default_to_its_message() -> None:
    assert CodebookError("cb.toml:3: bad").problems == ("cb.toml:3: bad",)


@pytest.mark.parametrize("regex", ["^devol(ve|ution)s?$", "(ab{2})+", "(a+)++", "(?>a+)+$"])
def test_codebook_safe_regexes_still_load(tmp_path: Path, regex: str) -> None:
    assert load_codebook(write(tmp_path, REGEX_BOOK % regex)).patterns[1].tokens[0]["LOWER"]["REGEX"] == regex


def test_codebook_bad_regex_is_a_one_line_error_in_tag_and_check(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from policytext.cli import main
    from policytext.store.corpus import Corpus, Document

    db = tmp_path / "c.db"
    with Corpus.open(db) as corpus:
        corpus.add(Document(text="aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab " * 3, id="d1"))
    path = write(tmp_path, REGEX_BOOK % "(a+)+$")
    runner = CliRunner()
    tagged = runner.invoke(main, ["tag", "--db", str(db), "--codebook", str(path)])
    assert tagged.exit_code == 1 and tagged.output.startswith(f"Error: {path}:17: token 1: LOWER REGEX")
    assert "Traceback" not in tagged.output and len(tagged.output.strip().splitlines()) == 1
    checked = runner.invoke(main, ["codebook", "check", str(path)])
    assert checked.exit_code == 1 and f"{path}:17: token 1: LOWER REGEX '(a+)+$': nested" in checked.output


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("\u0435mpower", "CYRILLIC SMALL LETTER IE (U+0435), which looks like a Latin letter"),
        ("ｌｏｃａｌｉｓｍ", "FULLWIDTH LATIN SMALL LETTER L (U+FF4C), a full-width form"),
        ("local\u200bism", "ZERO WIDTH SPACE (U+200B), an invisible character"),
        ("\ufb01nance", "LATIN SMALL LIGATURE FI (U+FB01), a ligature"),
    ],
)
def test_codebook_check_warns_about_confusable_and_invisible_characters(
    tmp_path: Path, word: str, kind: str
) -> None:
    from click.testing import CliRunner

    from policytext.cli import main

    path = write(tmp_path, MINIMAL + f'\n[[patterns]]\nid = "odd"\nframe = "devolution"\nphrase = "{word}"\n')
    problems = check_codebook(path)
    assert [(p.line, p.is_error) for p in problems] == [(17, False)]
    assert problems[0].message == f"{word!r} contains {kind}" + problems[0].message.split(kind, 1)[1]
    result = CliRunner().invoke(main, ["codebook", "check", str(path)])
    assert result.exit_code == 0 and f"{path}:17: warning: {word!r} contains" in result.output
