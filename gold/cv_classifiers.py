"""Document-grouped cross-validation of sentence-classifier variants on gold rounds a-o.

    .venv/bin/python gold/cv_classifiers.py [--shared ../shared/data] [--folds 5]

Planning figures, not a choice of default (docs/validation.md, "Classifier variants in
cross-validation"). Every sentence of rounds a-o (about 7,500) is tagged once by the
default codebook's patterns (no classifier); then, in each of ``--folds`` folds that keep
a document's sentences together, a classifier per frame is fitted on the other folds and
adds a frame to a held-out sentence the patterns did not give it when its probability
reaches 0.8 (the default's threshold). Variants:

- ``1.9's design``: the default's features (words, affixes, word pairs) and frames
  (empowerment, civil society, market reform, collaboration), fitted by
  :func:`policytext.rhetoric.classifier.fit_classifier` as the shipped one is;
- ``every frame``: the same, adding any of the eight frames;
- ``+ word classes``: every frame, with indicators of seven word classes taken from the
  coding manual's definitions (verbs of handing over, kinds of power, people, places,
  the centre, direction, running things) and of every pair and triple of them present
  in the sentence (conjunctions a linear model over words cannot express);
- ``+ character n-grams``: every frame, with character 3-5-grams within words.

With ``--slow`` (about 8 more minutes), two variants that look beyond words:

- ``spaCy textcat``: spaCy's ``textcat_multilabel`` (its ensemble architecture: a
  convolutional network over hashed word, prefix, suffix and shape features plus a bag
  of word pairs), trained from scratch for eight epochs on every frame;
- ``+ corpus word vectors``: the tf-idf word features of ``+ character n-grams``' base
  (no character n-grams) with the normalised mean of word2vec vectors (gensim, skip-gram,
  100 dimensions) trained on the shared data's other texts: even-year ukpol speeches,
  manifestos, GOV.UK pages and the US addresses (never bps-leader-speeches or odd-year
  ukpol). gensim is not a project dependency; without it the variant is skipped with a
  message (``pip install gensim`` to run it). Its threads make the vectors, and so the
  figures, vary a little from run to run.

It prints micro-F1 (precision) and empowerment and devolution F1 on the rounds the
classifier and the patterns were never tuned on, as held-out folds (j-o), on every
round, and per round j-o for the first two variants. The real tagger also withholds a
classifier frame where one of the frame's exclusions fired; this script does not, so its
figures run a little above the tagger's. Needs scikit-learn (in the project's
environment) and the shared data (the gold is materialised into ``gold/build/``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import train_classifier  # noqa: E402  (beside this script)

ROOT = Path(__file__).resolve().parent.parent
FRAMES = ("empowerment", "devolution", "social_action", "civil_society",
          "market_reform", "collaboration", "responsibility", "targeting")  # fmt: skip
ROUNDS = [
    *train_classifier.ROUNDS,
    *[(f"pointers_{r}.jsonl", f"labels_{r}.jsonl", f"heldout_{r}") for r in "lmno"],
]
FRESH = tuple(f"heldout_{r}" for r in "jklmno")  # rounds no pass over the patterns read
THRESHOLD = 0.8

#: Word classes from the coding manual's definitions; a word belongs when it starts with an entry.
WORD_CLASSES = {
    "handing": "give giving gives gave given hand handing hands handed devolv transfer pass passing "
    "return returning put putting shift decentralis decentraliz delegat entrust empower letting let "
    "free freeing release",
    "power": "power powers control say voice choice right rights freedom flexib responsib budget money "
    "decision decide autonomy ownership influence accountab",
    "people": "people citizen individual patient parent communit neighbourhood user famil tenant "
    "resident consumer public frontline front-line professional teacher doctor nurse headteacher "
    "staff worker employee volunteer you yourselves themselves ordinary",
    "places": "local council authorit cities city region town area mayor scotland wales welsh "
    "scottish assembly counties county parish devolved nation",
    "centre": "whitehall westminster central centre centralis centraliz state bureaucra minister "
    "top-down diktat target government politicians officials",
    "direction": "away down back closer nearer hands",
    "running": "run running runs shape shaping design manage managing own owning",
}
_CLASSES = {name: tuple(words.split()) for name, words in WORD_CLASSES.items()}


def class_features(words: list[str]) -> list[str]:
    """Which word classes the sentence has, and every pair and triple of them."""
    present = sorted({name for word in words for name, starts in _CLASSES.items() if word.startswith(starts)})
    out = [f"c:{a}" for a in present]
    out += [f"c:{a}&{b}" for i, a in enumerate(present) for b in present[i + 1 :]]
    out += [
        f"c:{a}&{b}&{c}"
        for i, a in enumerate(present)
        for j, b in enumerate(present[i + 1 :], i + 1)
        for c in present[j + 1 :]
    ]
    return out


def word_features(words: list[str]) -> list[str]:
    """The default classifier's features as strings: words, last four and first five letters, pairs."""
    from policytext.rhetoric.classifier import _word_features  # the classifier's own affix rule

    out = [f"w:{w}" for w in words] + [f for w in words for f in _word_features(w)]
    return out + [f"b:{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def frame_regressions(x_train: Any, y_train: np.ndarray, x_test: Any) -> np.ndarray:
    """One logistic regression per frame with 3 or more positives; each test row's probabilities."""
    from sklearn.linear_model import LogisticRegression

    out = np.zeros((x_test.shape[0], y_train.shape[1]))
    for column in range(y_train.shape[1]):
        if y_train[:, column].sum() < 3:
            continue
        model = LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000, random_state=0)
        model.fit(x_train, y_train[:, column])
        out[:, column] = model.predict_proba(x_test)[:, 1]
    return out


def fold_probabilities(variant: str, words: list[list[str]], labels: np.ndarray, folds: list) -> np.ndarray:
    """Out-of-fold probability of every frame for every sentence under ``variant``."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer

    from policytext.rhetoric.classifier import fit_classifier

    probabilities = np.zeros(labels.shape)
    for train, test in folds:
        if variant in ("1.9's design", "every frame"):
            sets = [frozenset(f for f, on in zip(FRAMES, labels[i], strict=True) if on) for i in train]
            model = fit_classifier([words[i] for i in train], sets, FRAMES, threshold=THRESHOLD)
            got = model.probabilities([words[i] for i in test])
            for column, frame in enumerate(model.frames):
                probabilities[test, FRAMES.index(frame)] = got[:, column]
            continue
        blocks = [[word_features(w) for w in words]]
        if variant == "+ word classes":
            blocks.append([class_features(w) for w in words])
        else:
            blocks.append([" ".join(w) for w in words])
        matrices = []
        for number, block in enumerate(blocks):
            if number == 1 and variant == "+ character n-grams":
                vectorizer = TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(3, 5), min_df=3, sublinear_tf=True
                )
            else:
                vectorizer = TfidfVectorizer(analyzer=lambda x: x, min_df=2, sublinear_tf=True)
            vectorizer.fit([block[i] for i in train])
            matrices.append((vectorizer.transform([block[i] for i in train]),
                             vectorizer.transform([block[i] for i in test])))  # fmt: skip
        x_train = hstack([m[0] for m in matrices]).tocsr()
        x_test = hstack([m[1] for m in matrices]).tocsr()
        probabilities[test] = frame_regressions(x_train, labels[train], x_test)
    return probabilities


def textcat_probabilities(
    texts: list[str], labels: np.ndarray, folds: list, *, epochs: int = 8
) -> np.ndarray:
    """Out-of-fold probabilities from spaCy's ``textcat_multilabel`` (ensemble), trained from scratch."""
    import random

    import spacy
    from spacy.training import Example

    probabilities = np.zeros(labels.shape)
    for train, test in folds:
        nlp = spacy.blank("en")
        textcat = nlp.add_pipe("textcat_multilabel")  # spaCy's default: the ensemble architecture
        for frame in FRAMES:
            textcat.add_label(frame)
        examples = [
            Example.from_dict(
                nlp.make_doc(texts[i]), {"cats": dict(zip(FRAMES, map(float, labels[i]), strict=True))}
            )
            for i in train
        ]
        spacy.util.fix_random_seed(0)
        optimizer = nlp.initialize(lambda examples=examples: examples)
        shuffle = random.Random(0)
        for _ in range(epochs):
            shuffle.shuffle(examples)
            for batch in spacy.util.minibatch(examples, size=32):
                nlp.update(batch, sgd=optimizer, drop=0.2)
        docs = nlp.pipe([texts[i] for i in test])
        probabilities[test] = [[doc.cats[frame] for frame in FRAMES] for doc in docs]
    return probabilities


def unlabelled_sentences(shared: Path) -> list[list[str]]:
    """Lower-case word lists of the shared data's texts that issue 13's held-out checks do not draw from."""
    import re

    texts: list[str] = []
    for path in sorted((shared / "ukpol_speeches" / "data").rglob("*.json")):
        year = re.search(r"-(\d{4})-", path.name)
        if year is None or int(year.group(1)) % 2:  # odd years are the outside checks'
            continue
        content = json.loads(path.read_text(encoding="utf-8")).get("content") or ""
        texts.append(" ".join(map(str, content)) if isinstance(content, list) else str(content))
    folders = [
        "quanteda_ukmanifestos/texts",
        "democracyclub_manifestos/manifestos",
        "manifestos_2015/manifestos",
    ]
    folders += ["nltk_speeches/inaugural", "nltk_speeches/state_union"]
    for folder in folders:
        texts += [
            p.read_text(encoding="utf-8", errors="replace") for p in sorted((shared / folder).rglob("*.txt"))
        ]
    for path in sorted((shared / "govuk-content-api").rglob("*.json")):
        item = json.loads(path.read_text(encoding="utf-8"))
        body = (item.get("details") or {}).get("body") if isinstance(item, dict) else None
        texts.append(body if isinstance(body, str) else "")
    words = re.compile(r"[a-z][a-z'\-]*[a-z]|[a-z]")
    sentences = []
    for text in texts:
        text = re.sub(r"<[^>]+>", " ", text).lower().replace("\u2019", "'")
        sentences += [
            found for part in re.split(r"(?<=[.!?])\s+|\n+", text) if len(found := words.findall(part)) > 3
        ]
    return sentences


def vector_probabilities(
    words: list[list[str]], labels: np.ndarray, folds: list, shared: Path
) -> np.ndarray | None:
    """Out-of-fold probabilities of tf-idf word features plus corpus word2vec means; None without gensim."""
    try:
        from gensim.models import Word2Vec
    except ImportError:
        return None
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer

    sentences = unlabelled_sentences(shared)
    print(f"  word2vec on {len(sentences)} sentences, {sum(map(len, sentences))} words", file=sys.stderr)
    vectors = Word2Vec(
        sentences, vector_size=100, window=5, min_count=3, sg=1, epochs=8, workers=2, seed=1
    ).wv
    means = np.zeros((len(words), vectors.vector_size))
    for row, sentence in enumerate(words):
        known = [vectors[w] for w in sentence if w in vectors]
        if known:
            mean = np.mean(known, axis=0)
            means[row] = mean / (np.linalg.norm(mean) or 1.0)
    features = [word_features(w) for w in words]
    probabilities = np.zeros(labels.shape)
    for train, test in folds:
        vectorizer = TfidfVectorizer(analyzer=lambda x: x, min_df=2, sublinear_tf=True)
        vectorizer.fit([features[i] for i in train])
        x_train = hstack(
            [vectorizer.transform([features[i] for i in train]), csr_matrix(means[train])]
        ).tocsr()
        x_test = hstack([vectorizer.transform([features[i] for i in test]), csr_matrix(means[test])]).tocsr()
        probabilities[test] = frame_regressions(x_train, labels[train], x_test)
    return probabilities


def learning_curve(
    words: list[list[str]],
    labels: np.ndarray,
    groups: list[str],
    folds: list,
    by_patterns: np.ndarray,
    rows: np.ndarray,
) -> list[tuple[float, int, tuple[float, float, float, float]]]:
    """ "Every frame" trained on a share of each fold's training documents: ``(share, sentences, scores)``.

    Shares 0.25, 0.5 and 0.75 are drawn three times (seeds 0-2, whole documents) and the
    scores averaged; ``sentences`` is the mean number of training sentences per fold.
    """
    from policytext.rhetoric.classifier import fit_classifier

    documents = np.array(groups)
    out = []
    for share in (0.25, 0.5, 0.75, 1.0):
        results, sizes = [], []
        for seed in range(3 if share < 1 else 1):
            draw = np.random.default_rng(seed)
            probabilities = np.zeros(labels.shape)
            for train, test in folds:
                names = np.unique(documents[train])
                kept = draw.choice(names, int(len(names) * share), replace=False)
                subset = train[np.isin(documents[train], kept)]
                sizes.append(len(subset))
                sets = [frozenset(f for f, on in zip(FRAMES, labels[i], strict=True) if on) for i in subset]
                model = fit_classifier([words[i] for i in subset], sets, FRAMES, threshold=THRESHOLD)
                got = model.probabilities([words[i] for i in test])
                for column, frame in enumerate(model.frames):
                    probabilities[test, FRAMES.index(frame)] = got[:, column]
            results.append(scores(by_patterns | (probabilities >= THRESHOLD), labels, rows))
        mean = np.mean(results, axis=0)
        out.append((share, round(float(np.mean(sizes))), (mean[0], mean[1], mean[2], mean[3])))
    return out


def scores(predicted: np.ndarray, labels: np.ndarray, rows: np.ndarray) -> tuple[float, float, float, float]:
    """Micro-F1, micro precision, empowerment F1 and devolution F1 over ``rows``."""
    hits = (predicted[rows] & labels[rows]).sum(axis=0)
    said, true = predicted[rows].sum(axis=0), labels[rows].sum(axis=0)
    f1 = 2 * hits / np.maximum(said + true, 1)
    return 2 * hits.sum() / (said.sum() + true.sum()), hits.sum() / max(said.sum(), 1), f1[0], f1[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--build", type=Path, default=ROOT / "gold" / "build")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--slow", action="store_true", help="also spaCy textcat and corpus word vectors")
    parser.add_argument(
        "--learning-curve", action="store_true", help="also every frame trained on shares of the gold"
    )
    args = parser.parse_args(argv)
    if not args.shared.is_dir():
        print(f"error: {args.shared}: no shared data folder; cannot materialise the gold", file=sys.stderr)
        return 2
    from sklearn.model_selection import GroupKFold

    from policytext.evaluate import evaluate_codebook
    from policytext.rhetoric.classifier import text_words

    paths = train_classifier.materialise(args.shared, args.build, ROUNDS)
    records = []
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            records += [{**json.loads(line), "part": path.stem} for line in handle]
    every = args.build / "cv-all.jsonl"
    with every.open("w", encoding="utf-8") as handle:
        for r in records:
            handle.write(json.dumps({k: r[k] for k in ("id", "text", "labels", "meta")}) + "\n")
    text = train_classifier.DEFAULT_CODEBOOK.read_text(encoding="utf-8")
    patterns_only = args.build / "codebook-patterns.toml"
    patterns_only.write_text(train_classifier.without_classifier(text), encoding="utf-8")
    tagged = evaluate_codebook(every, patterns_only).predictions
    by_patterns = np.array([[f in {m.frame for m in p.matches} for f in FRAMES] for p in tagged])
    labels = np.array([[f in r["labels"] for f in FRAMES] for r in records])
    words = text_words([r["text"] for r in records])
    groups = [r["meta"].get("source") or r["id"] for r in records]
    folds = list(GroupKFold(args.folds).split(records, groups=groups))
    parts = np.array([r["part"] for r in records])
    fresh = np.isin(parts, FRESH)
    print(f"{len(records)} sentences, {int(fresh.sum())} in rounds j-o; {args.folds} folds by document\n")
    print("| variant | j-o micro-F1 (P) | j-o empowerment | j-o devolution | a-o micro-F1 (P) |")
    print("|---|---|---|---|---|")
    rows_all = np.ones(len(records), dtype=bool)
    micro, precision, emp, dev = scores(by_patterns, labels, fresh)
    every_micro, every_precision, _, _ = scores(by_patterns, labels, rows_all)
    print(f"| patterns alone | {micro:.3f} ({precision:.2f}) | {emp:.3f} | {dev:.3f} "
          f"| {every_micro:.3f} ({every_precision:.2f}) |")  # fmt: skip
    per_round = {}
    variants = ["1.9's design", "every frame", "+ word classes", "+ character n-grams"]
    for variant in variants + (["spaCy textcat", "+ corpus word vectors"] if args.slow else []):
        if variant == "spaCy textcat":
            probabilities = textcat_probabilities([r["text"] for r in records], labels, folds)
        elif variant == "+ corpus word vectors":
            got = vector_probabilities(words, labels, folds, args.shared)
            if got is None:
                print(f"| {variant} | skipped: gensim is not installed (pip install gensim) | | | |")
                continue
            probabilities = got
        else:
            probabilities = fold_probabilities(variant, words, labels, folds)
        allowed = np.ones(len(FRAMES), dtype=bool)
        if variant == "1.9's design":
            allowed = np.isin(FRAMES, train_classifier.FRAMES)
        predicted = by_patterns | ((probabilities >= THRESHOLD) & allowed)
        micro, precision, emp, dev = scores(predicted, labels, fresh)
        every_micro, every_precision, _, _ = scores(predicted, labels, rows_all)
        print(f"| {variant} | {micro:.3f} ({precision:.2f}) | {emp:.3f} | {dev:.3f} "
              f"| {every_micro:.3f} ({every_precision:.2f}) |", flush=True)  # fmt: skip
        if variant in ("1.9's design", "every frame"):
            per_round[variant] = {part: scores(predicted, labels, parts == part) for part in FRESH}
    print("\n| round | 1.9's design: micro (P) / devolution | every frame: micro (P) / devolution |")
    print("|---|---|---|")
    for part in FRESH:
        cells = [f"{m:.3f} ({p:.2f}) / {d:.3f}" for m, p, _, d in (per_round[v][part] for v in per_round)]
        print(f"| {part[-1]} | {' | '.join(cells)} |")
    if args.learning_curve:
        print("\n| every frame, share of each fold's training documents | training sentences | "
              "j-o micro-F1 (P) | j-o empowerment | j-o devolution |\n|---|---|---|---|---|")  # fmt: skip
        for share, size, (micro, precision, emp, dev) in learning_curve(
            words, labels, groups, folds, by_patterns, fresh
        ):
            print(
                f"| {share:.2f} | {size} | {micro:.3f} ({precision:.2f}) | {emp:.3f} | {dev:.3f} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
