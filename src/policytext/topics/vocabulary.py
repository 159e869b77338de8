"""Corpus-aware vocabulary rules for topic models: stage directions, word forms, stop terms.

Three rules, each applied to the whole corpus being modelled rather than from a hand list:

- **Stage directions**: a bracketed aside of at most four words, as transcripts mark
  the audience ("(Applause)", "[Laughter]", "(Hear, hear)"), is not the speaker's text
  and is dropped before tokenising.
- **Lemmas the corpus bears out**: spaCy's lookup table maps some forms to a wrong
  lemma ("rent" -> "rend", "number" -> "numb", "taxes" -> "taxis"). A lower-cased
  form is replaced by its lookup lemma only when the form is the lemma with a regular
  ending ("powers" -> "power", "making" -> "make") or the lemma itself occurs in the
  corpus as a word form at least :data:`LEMMA_MIN_SHARE` (a tenth) as often as the form
  (:func:`corpus_lemmas`): "children" -> "child" and "communities" -> "community"
  apply, "rent" stays "rent" because "rend" hardly occurs. The same mapping is applied
  to every token before phrases are found, so a phrase is lemmatised exactly as its
  words are ("rent control", "local council").
- **One form per word**: forms that share a lemma (spaCy's lookup table with
  policytext's overrides, which keep "housing" apart from "house"; for words the
  table lacks, the singular by spelling: "tories", "christians") are one term, written in the
  form the corpus uses most ("Human Rights" inside a sentence is kept as a name,
  "human rights" in running text lemmatises to "human right": both become the more
  frequent of the two, so a topic never lists both; likewise "Liberal Democrats" and
  "Liberal Democrat").
- **Corpus stop terms**: a term used in at least half of the documents (``share``),
  in a corpus of at least 20 documents, is spread over most documents and so tells no
  topic apart ("people", "government", "country", "conference", "house" in a corpus of
  conference speeches). Such terms are dropped like stop words, and phrases are never
  joined across them. When more than a tenth of the vocabulary would go, the documents
  share most of their words and the rule is not applied. The list is in every topic
  run's ``settings.json`` (``stop_terms``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

from policytext.errors import ModelError

#: A bracketed aside of up to 40 characters; dropped when it has at most four words.
_ASIDE = re.compile(r"[\(\[][^()\[\]\n]{1,40}[\)\]]")
#: Least count of a lemma as a word form, as a share of the count of the form it would
#: replace, for :func:`corpus_lemmas` to apply it.
LEMMA_MIN_SHARE = 0.1
#: Fewest documents for corpus stop terms: in a smaller corpus "half the documents" says little.
MIN_DOCUMENTS_FOR_STOP_TERMS = 20
#: Most corpus stop terms, as a share of the vocabulary. When more terms than this are in half
#: the documents, the documents share most of their words (short texts on few subjects, or
#: generated ones) and document spread tells nothing apart: no corpus stop terms then.
MAX_STOP_TERM_SHARE = 0.1


def singular(word: str) -> str:
    """A plural's likely singular by spelling alone, for words the lookup table lacks
    ("tories" -> "tory", "christians" -> "christian"); other words unchanged.

    Example::

        >>> singular("tories"), singular("christians"), singular("business"), singular("us")
        ('tory', 'christian', 'business', 'us')
    """
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def strip_stage_directions(text: str) -> str:
    """``text`` without bracketed asides of at most four words.

    Example::

        >>> strip_stage_directions("We will win. (Applause) [Hear, hear] (the Act of 1998 and its schedules)")
        'We will win.     (the Act of 1998 and its schedules)'
    """
    return _ASIDE.sub(lambda m: " " if len(m.group(0).split()) <= 4 else m.group(0), text)


def corpus_lemmas(
    counts: Mapping[str, int], lemma: Callable[[str], str], *, share: float = LEMMA_MIN_SHARE
) -> dict[str, str]:
    """Each lower-case form's lemma when the corpus bears it out, else the form itself.

    ``counts`` are the corpus's lower-cased word forms and their counts. A form takes
    ``lemma(form)`` when it is the lemma with a regular ending (:func:`regular_inflection`:
    "powers" -> "power") or when that lemma occurs as a form at least ``share`` times as
    often as the form does. A lookup error such as "rent" -> "rend" then leaves "rent"
    alone, while "children" -> "child" applies wherever "child" is said too.

    Example::

        >>> lemmas = {"rent": "rend", "children": "child", "number": "numb"}
        >>> counts = {"rent": 40, "rend": 1, "children": 30, "child": 10, "number": 9}
        >>> mapping = corpus_lemmas(counts, lambda f: lemmas.get(f, f))
        >>> mapping["rent"], mapping["children"], mapping["number"], mapping["child"]
        ('rent', 'child', 'number', 'child')
    """
    if not share >= 0:
        raise ModelError(f"lemma share must be >= 0; got {share}")
    mapping: dict[str, str] = {}
    for form, count in counts.items():
        target = lemma(form)
        accepted = (
            target == form or regular_inflection(form, target) or counts.get(target, 0) >= share * count
        )
        mapping[form] = target if accepted else form
    return mapping


def regular_inflection(form: str, lemma: str) -> bool:
    """Whether ``form`` is ``lemma`` with a regular English ending (-s, -es, -ies, -ed,
    -ing, with a doubled or dropped final letter): a lemma the table cannot get wrong.

    Example::

        >>> regular_inflection("powers", "power"), regular_inflection("making", "make")
        (True, True)
        >>> regular_inflection("rent", "rend"), regular_inflection("children", "child")
        (False, False)
    """
    if not lemma or not form.startswith(lemma[:-1]) or len(form) <= len(lemma) - 1:
        return False
    stem, last = lemma[:-1], lemma[-1]
    endings = (
        {lemma + e for e in ("s", "es", "ed", "d", "ing")}
        | {lemma + last + e for e in ("ed", "ing")}
        | {stem + e for e in ("ies", "ied", "ing")}
    )
    return form in endings


def unify_forms(counts: Mapping[str, int], lemma: Callable[[str], str]) -> dict[str, str]:
    """For each form that shares its lemma with a more frequent form, that form.

    Forms are grouped by :func:`singular` of their lemma. Ties go to the alphabetically
    first form, so the result does not depend on order.

    Example::

        >>> lemmas = {"rights": "right", "democrats": "democrat"}
        >>> unify_forms({"right": 10, "rights": 4, "democrats": 7, "democrat": 2}, lambda f: lemmas.get(f, f))
        {'rights': 'right', 'democrat': 'democrats'}
    """
    groups: defaultdict[str, list[tuple[int, str]]] = defaultdict(list)
    for form, count in counts.items():
        groups[singular(lemma(form))].append((-count, form))
    mapping: dict[str, str] = {}
    for forms in groups.values():
        if len(forms) < 2:
            continue
        best = min(forms)[1]
        mapping.update({form: best for _, form in forms if form != best})
    return mapping


def corpus_stop_terms(
    document_frequency: Mapping[str, int],
    n_documents: int,
    *,
    share: float | None = 0.5,
) -> frozenset[str]:
    """Terms used in at least ``share`` of ``n_documents`` documents (none below 20 documents,
    none when they would be over a tenth of the vocabulary).

    Example::

        >>> vocabulary = {"people": 30, "nhs": 5, **{f"w{i}": 1 for i in range(8)}}
        >>> corpus_stop_terms(vocabulary, 40)
        frozenset({'people'})
        >>> corpus_stop_terms({"people": 9}, 9)
        frozenset()
    """
    if share is None or n_documents < MIN_DOCUMENTS_FOR_STOP_TERMS:
        return frozenset()
    found = frozenset(term for term, count in document_frequency.items() if count >= share * n_documents)
    if len(found) > MAX_STOP_TERM_SHARE * len(document_frequency):
        return frozenset()
    return found


def split_runs(
    runs: Iterable[Sequence[str]], forms: Mapping[str, str], stops: frozenset[str]
) -> list[list[str]]:
    """Runs with each form replaced by its unified form, cut at (and without) corpus stop terms.

    Example::

        >>> split_runs([["rights", "people", "act"]], {"rights": "right"}, frozenset({"people"}))
        [['right'], ['act']]
    """
    out: list[list[str]] = []
    for run in runs:
        current: list[str] = []
        for token in run:
            token = forms.get(token, token)
            if token in stops:
                if current:
                    out.append(current)
                current = []
            else:
                current.append(token)
        if current:
            out.append(current)
    return out


def document_frequency(
    documents: Iterable[Iterable[Iterable[Sequence[str]]]], forms: Mapping[str, str]
) -> Counter[str]:
    """In how many documents each (unified) term occurs; ``documents`` as paragraphs of runs."""
    counts: Counter[str] = Counter()
    for doc in documents:
        counts.update({forms.get(t, t) for para in doc for run in para for t in run})
    return counts
