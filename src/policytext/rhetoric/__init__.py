"""The rhetoric tagger: a spaCy component that finds codebook frames in text.

Registered as the factory ``policytext_rhetoric`` (and advertised through the
``spacy_factories`` entry point), so any English pipeline can use it::

    nlp.add_pipe("policytext_rhetoric", config={"codebook": "my-codebook.toml"})
    nlp.initialize()    # loads the codebook (as span_ruler loads its patterns)

Matches go to ``doc.spans["rhetoric"]`` (config ``spans_key``), labelled with the frame id; each
span's ``id_`` is the pattern id that produced it. Extension attributes (set up
when the first component is built, never at import time):

- ``span._.rhetoric_negated``: the match sits in a negated clause
- ``span._.rhetoric_frames``: on a sentence, the set of frames matched in it
- ``doc._.rhetoric_sentences``: a frozenset of frames per sentence, in order
- ``doc._.rhetoric_counts``: matches per frame

Lemma patterns are compiled once into every inflected lower-case form of the
lemma (from spaCy's English lookup table, plus -ise/-ize spellings), so the
pipeline needs no lemmatizer at run time and matching ignores case: "Empowering
communities" and "empowered the community" both match ``empower community``.

Example::

    >>> nlp = build_pipeline()
    >>> doc = nlp("We will devolve power to local councils.")
    >>> [(span.label_, span.id_) for span in doc.spans["rhetoric"]][:1]
    [('devolution', 'dev-transfer-of-powers-near-tier')]

The package: :mod:`.component` (the spaCy component and :func:`build_pipeline`),
:mod:`.matcher` (the fast word-test matcher), :mod:`.forms` (lemma forms and
pattern compilation), :mod:`.sentencizer` (the vectorised sentencizer).
"""

from policytext.rhetoric.component import (
    SPAN_KEY,
    Match,
    RhetoricTagger,
    build_pipeline,
    doc_matches,
    make_rhetoric_tagger,
    tagged_sentence_starts,
)
from policytext.rhetoric.forms import lemma_forms
from policytext.rhetoric.sentencizer import FastSentencizer, make_fast_sentencizer, sentence_starts

__all__ = [
    "SPAN_KEY",
    "Match",
    "RhetoricTagger",
    "FastSentencizer",
    "build_pipeline",
    "doc_matches",
    "lemma_forms",
    "sentence_starts",
    "tagged_sentence_starts",
    "make_fast_sentencizer",
    "make_rhetoric_tagger",
]
