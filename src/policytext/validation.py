"""The researcher's own validation: coding sheets and corpus-level estimates.

Gold-set scores say how a codebook does on the gold sentences; they do not say how
many frame sentences the tagger misses in *your* corpus. This module closes the
loop (Grimmer and Stewart: validate, validate, validate):

1. :func:`draw_sample` draws a stratified random sample of a tagged corpus's
   sentences for one frame: ``n`` from the sentences the codebook matched and
   ``unmatched`` from all the others. :func:`write_sheet` writes it as a coding
   sheet (CSV and JSON Lines) with an empty ``label`` column; every row records
   its stratum, the stratum's size in the corpus and the sample size, so the
   sampling design travels with the sheet.
2. The researcher fills ``label`` (1/0, yes/no) following the coding manual.
3. :func:`read_sheet` reads it back and :func:`estimate_from_sheet` estimates
   corpus-level precision (the share of matched sentences that carry the frame)
   and recall (frame sentences matched / all frame sentences, the unmatched
   stratum's positives weighted by its size) with 95% intervals: Wilson for
   precision, a stratified bootstrap for recall and prevalence.

:func:`policytext.suggestions.suggest_terms` (re-exported here) proposes terms
the codebook lacks.

Example::

    >>> wilson(43, 50)  # doctest: +ELLIPSIS
    (0.86, 0.73..., 0.93...)
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

import numpy as np

from policytext._sheet_files import SHEET_FIELDS, csv_records, jsonl_records, shown, whole_number
from policytext.errors import GoldFileError, PolicytextError
from policytext.store import evaluations as store
from policytext.store.filters import DocumentFilter, FilterOptions, resolve_filter
from policytext.suggestions import format_suggestions, suggest_terms

if TYPE_CHECKING:
    from policytext.codebook import Codebook
    from policytext.store.corpus import Corpus

__all__ = [
    "NOT_VALIDATED",
    "SHEET_FIELDS",
    "SheetRow",
    "check_sheet_frame",
    "draw_sample",
    "estimate_from_sheet",
    "estimate_lines",
    "format_estimate",
    "format_suggestions",
    "read_sheet",
    "suggest_terms",
    "wilson",
    "write_sheet",
]

_TRUE = {"1", "y", "yes", "true", "t", "x"}
_FALSE = {"0", "n", "no", "false", "f"}


@dataclass(frozen=True)
class SheetRow:
    """One sentence of a coding sheet."""

    id: str
    frame: str
    stratum: str
    stratum_size: int
    stratum_sample: int
    predicted: int
    label: str
    text: str
    doc_id: str
    sentence: int
    speaker: str
    date: str
    title: str
    codebook_hash: str
    seed: int
    drawn_at: str = ""


def wilson(successes: int, n: int, *, z: float = 1.959964) -> tuple[float, float, float]:
    """A proportion with its Wilson score interval (95% by default): ``(p, low, high)``.

    Example::

        >>> wilson(0, 0)
        (0.0, 0.0, 1.0)
    """
    if n == 0:
        return 0.0, 0.0, 1.0
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return p, max(0.0, centre - half), min(1.0, centre + half)


# -- drawing a sample ------------------------------------------------------------------


def draw_sample(
    corpus: Corpus,
    frame: str,
    n: int,
    *,
    unmatched: int = 0,
    random_state: int = 0,
    codebook: Codebook | None = None,
    documents: DocumentFilter | None = None,
    **filters: Unpack[FilterOptions],
) -> list[SheetRow]:
    """Draw a stratified random sample of the tagged corpus's sentences for one frame.

    Parameters
    ----------
    corpus:
        A tagged corpus.
    frame:
        The frame to validate.
    n:
        Sentences to draw from those the codebook matched for ``frame``.
    unmatched:
        Sentences to draw from all the other sentences of the same documents.
    random_state:
        Seed: the same corpus and seed give the same sheet.
    codebook:
        The codebook the corpus was tagged with (default: the one most documents carry).

    Raises
    ------
    PolicytextError
        When nothing is tagged, the frame is unknown or a stratum is empty.
    """
    flt = resolve_filter(documents, filters)
    codebook_hash = codebook.hash if codebook is not None else store.tagged_codebook_hash(corpus)
    if codebook_hash is None:
        raise PolicytextError(f"{corpus.path}: no tagged documents; run `policytext tag` first")
    if codebook is not None and frame not in codebook.frames:
        raise PolicytextError(
            f"--frame {frame!r} is not a frame of the codebook ({', '.join(codebook.frames)})"
        )
    if n < 0 or unmatched < 0:
        raise PolicytextError("sample sizes must be zero or more")
    matched = store.frame_sentences(corpus, codebook_hash, frame, flt)
    counts = store.tagged_sentence_counts(corpus, codebook_hash, flt)
    total = sum(c for _, c in counts)
    if n > 0 and not matched:
        raise PolicytextError(f"frame {frame!r}: no sentence of the selected documents matches it")
    rng = random.Random(random_state)
    picked_matched = rng.sample(matched, min(n, len(matched)))
    matched_keys = {(pk, s) for pk, s, _, _ in matched}
    unmatched_size = total - len(matched_keys)
    picked_unmatched = _draw_unmatched(counts, matched_keys, min(unmatched, unmatched_size), rng)
    texts = store.document_texts(
        corpus, {pk for pk, *_ in picked_matched} | {pk for pk, _ in picked_unmatched}
    )
    rows: list[SheetRow] = []
    common = {
        "frame": frame,
        "codebook_hash": codebook_hash,
        "seed": random_state,
        "label": "",
        "drawn_at": dt.datetime.now(dt.UTC).date().isoformat(),
    }
    for pk, sentence, start, end in picked_matched:
        rows.append(
            _row(texts[pk], pk, sentence, texts[pk]["text"][start:end], "matched", len(matched_keys),
                 len(picked_matched), 1, common)
        )  # fmt: skip
    rows.extend(_unmatched_rows(texts, picked_unmatched, unmatched_size, codebook, common))
    order = list(range(len(rows)))
    rng.shuffle(order)  # coders should not see the strata in blocks
    return [rows[i] for i in order]


def _unmatched_rows(
    texts: dict[int, dict[str, Any]],
    picked: list[tuple[int, int]],
    size: int,
    codebook: Codebook | None,
    common: dict[str, Any],
) -> list[SheetRow]:
    """Rows of the unmatched stratum: the sentence text comes from re-splitting the document."""
    if not picked:
        return []
    from policytext.rhetoric import build_pipeline
    from policytext.training import sentence_spans

    nlp = build_pipeline(codebook)
    spans: dict[int, list[tuple[int, int]]] = {}
    rows = []
    for pk, sentence in picked:
        if pk not in spans:
            spans[pk] = sentence_spans(nlp, texts[pk]["text"])
        start, end = spans[pk][min(sentence, len(spans[pk]) - 1)]
        text = texts[pk]["text"][start:end]
        rows.append(_row(texts[pk], pk, sentence, text, "unmatched", size, len(picked), 0, common))
    return rows


def _draw_unmatched(
    counts: list[tuple[int, int]], matched: set[tuple[int, int]], k: int, rng: random.Random
) -> list[tuple[int, int]]:
    if k <= 0:
        return []
    cumulative = np.cumsum([c for _, c in counts])
    total = int(cumulative[-1]) if len(cumulative) else 0
    chosen: set[tuple[int, int]] = set()
    attempts = 0
    while len(chosen) < k and attempts < 50 * k + 1000:
        attempts += 1
        position = rng.randrange(total)
        index = int(np.searchsorted(cumulative, position, side="right"))
        before = int(cumulative[index - 1]) if index else 0
        key = (counts[index][0], position - before)
        if key not in matched:
            chosen.add(key)
    return sorted(chosen, key=lambda key: rng.random())


def _row(
    doc: dict[str, Any],
    pk: int,
    sentence: int,
    text: str,
    stratum: str,
    size: int,
    sample: int,
    predicted: int,
    common: dict[str, Any],
) -> SheetRow:
    return SheetRow(
        id=f"{doc['id']}#s{sentence}",
        stratum=stratum,
        stratum_size=size,
        stratum_sample=sample,
        predicted=predicted,
        text=" ".join(text.split()),
        doc_id=str(doc["id"]),
        sentence=sentence,
        speaker=doc.get("speaker") or "",
        date=doc.get("date") or "",
        title=doc.get("title") or "",
        **common,
    )


def write_sheet(rows: Sequence[SheetRow], out: str | Path) -> tuple[Path, Path]:
    """Write the coding sheet as ``OUT.csv`` and ``OUT.jsonl`` (same rows); return both paths."""
    base = Path(out)
    if base.suffix in (".csv", ".jsonl"):
        base = base.with_suffix("")
    base.parent.mkdir(parents=True, exist_ok=True)
    csv_path, jsonl_path = base.with_suffix(".csv"), base.with_suffix(".jsonl")
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SHEET_FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow(asdict(row))
    with jsonl_path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")
    return csv_path, jsonl_path


# -- reading a filled sheet back ---------------------------------------------------------


def is_sheet(path: str | Path) -> bool:
    """Whether ``path`` looks like a coding sheet (CSV, or JSON Lines rows with a ``stratum``)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        return True
    try:
        with path.open(encoding="utf-8") as handle:
            first = handle.readline()
        record = json.loads(first)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(record, dict) and "stratum" in record and "labels" not in record


# Columns of the sheet whose values may span lines: document metadata, copied as stored.
# No other column of a sheet ever does (``sample`` writes each sentence on one line), so a
# value there that does is a quote opened and not closed. Columns a coder adds (notes) may.
# A frame id as a codebook must spell it (``policytext.codebook.model._ID``).
_FRAME_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_STRATA = ("matched", "unmatched")


def read_sheet(path: str | Path) -> list[dict[str, Any]]:
    """Read a filled coding sheet (CSV or JSON Lines); every row must have a label.

    Returns dicts with ``id``, ``frame``, ``stratum``, ``stratum_size`` (int),
    ``stratum_sample`` (int, or ``None`` when the sheet has no such column),
    ``predicted`` (bool), ``label`` (bool), ``codebook_hash``, ``drawn_at`` and
    ``where`` (``FILE:LINE`` of the row).

    Raises
    ------
    GoldFileError
        ``FILE:LINE: problem`` for the first problem in the file: an unbalanced
        quote, a value running over lines or more fields than the header (CSV),
        invalid JSON, a missing column, an empty or unreadable label, a stratum
        other than matched or unmatched, a frame that is no frame id or differs
        from earlier rows' (a sheet codes one frame), a ``stratum_size`` or
        ``stratum_sample`` that is not a positive whole number, differs from
        earlier rows of its stratum, or is smaller than the rows coded from the
        stratum (or, for the sample, larger than the stratum).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # a spreadsheet's byte-order mark allowed
    except FileNotFoundError:
        raise GoldFileError(f"{path}: no such coding sheet") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldFileError(f"{path}: cannot read coding sheet ({exc})") from None
    records = csv_records(path, text) if path.suffix.lower() == ".csv" else jsonl_records(path, text)
    if not records:
        raise GoldFileError(f"{path}:1: the coding sheet has no rows")
    design = _SheetDesign()
    rows: list[dict[str, Any]] = []
    for number, record in records:
        row = _sheet_row(path, number, record)
        design.add(row, row["where"])
        rows.append(row)
    return rows


def _sheet_row(path: Path, number: int, record: Any) -> dict[str, Any]:
    """One row, checked on its own (the checks against earlier rows: :class:`_SheetDesign`)."""
    where = f"{path}:{number}"
    if not isinstance(record, dict):
        raise GoldFileError(f"{where}: each row must be an object")
    for column in ("frame", "stratum", "stratum_size", "label"):
        if column not in record or record[column] is None:
            raise GoldFileError(f"{where}: missing column {column!r}")
    label = str(record["label"]).strip().lower()
    if label not in _TRUE | _FALSE:
        what = "is empty" if not label else f"{record['label']!r} is not 1/0 or yes/no"
        raise GoldFileError(f"{where}: label {what}: code every row")
    stratum = str(record["stratum"])
    if stratum not in _STRATA:
        raise GoldFileError(f"{where}: stratum {stratum!r} must be 'matched' or 'unmatched'")
    frame = str(record["frame"]).strip()
    if not _FRAME_ID.match(frame):
        raise GoldFileError(
            f"{where}: frame {frame!r} is not a frame id (lower-case letters, digits and underscores)"
        )
    size = whole_number(record["stratum_size"])
    if size is None or size < 1:
        raise GoldFileError(
            f"{where}: stratum_size {shown(record['stratum_size'])} is not a positive whole number "
            f"(the number of {stratum} sentences in the corpus)"
        )
    sample = record.get("stratum_sample")
    if sample is not None:  # hand-written sheets may leave the column out
        sample = whole_number(sample)
        if sample is None or sample < 1:
            raise GoldFileError(
                f"{where}: stratum_sample {shown(record['stratum_sample'])} is not a positive whole number "
                f"(the number of {stratum} sentences drawn)"
            )
    return {
        "id": str(record.get("id", number)),
        "frame": frame,
        "stratum": stratum,
        "stratum_size": size,
        "stratum_sample": sample,
        "predicted": stratum == "matched",
        "label": label in _TRUE,
        "codebook_hash": str(record.get("codebook_hash") or ""),
        "drawn_at": str(record.get("drawn_at") or ""),
        "where": where,
    }


class _SheetDesign:
    """The sampling design the rows read so far record; each new row must agree with it.

    One frame and one codebook per sheet, each sentence id once; per stratum one
    ``stratum_size`` and one ``stratum_sample``, the sample no larger than the stratum,
    and no more rows than either.
    """

    def __init__(self) -> None:
        self.frame: Any = None
        self.size: dict[str, int] = {}
        self.sample: dict[str, int] = {}
        self.coded: Counter[str] = Counter()
        self.ids: dict[str, str] = {}  # sentence id -> where it was first
        self.codebook_hash = ""

    def add(self, row: dict[str, Any], where: str) -> None:
        frame, stratum, size = row.get("frame"), row["stratum"], row["stratum_size"]
        sentence = row.get("id") or ""
        if sentence and sentence in self.ids:
            raise GoldFileError(f"{where}: id {sentence!r} is also on {self.ids[sentence]} (a row repeated?)")
        self.ids.setdefault(sentence, where)
        drawn_with = row.get("codebook_hash") or ""
        if drawn_with and self.codebook_hash and drawn_with != self.codebook_hash:
            raise GoldFileError(
                f"{where}: codebook_hash {drawn_with[:12]} differs from {self.codebook_hash[:12]} on earlier "
                "rows (rows of two sheets?)"
            )
        self.codebook_hash = self.codebook_hash or drawn_with
        if not self.coded:
            self.frame = frame
        elif frame != self.frame:
            raise GoldFileError(
                f"{where}: frame {frame!r} differs from {self.frame!r} on earlier rows "
                "(a coding sheet codes one frame)"
            )
        if self.size.setdefault(stratum, size) != size:
            raise GoldFileError(
                f"{where}: stratum_size {size} differs from {self.size[stratum]} on earlier rows "
                f"of the {stratum} stratum"
            )
        sample = row.get("stratum_sample")
        if sample is not None:
            if sample > size:
                raise GoldFileError(
                    f"{where}: stratum_size {size} is less than stratum_sample {sample} "
                    "(a stratum holds at least the sentences drawn from it)"
                )
            if self.sample.setdefault(stratum, sample) != sample:
                raise GoldFileError(
                    f"{where}: stratum_sample {sample} differs from {self.sample[stratum]} on earlier "
                    f"rows of the {stratum} stratum"
                )
        self.coded[stratum] += 1
        coded = self.coded[stratum]
        if coded > size:
            raise GoldFileError(
                f"{where}: stratum_size {size} is less than the {coded} {stratum} rows coded up to "
                "this line (a stratum holds at least the sentences drawn from it)"
            )
        if coded > self.sample.get(stratum, coded):
            raise GoldFileError(
                f"{where}: stratum_sample {self.sample[stratum]} is less than the {coded} {stratum} rows "
                "up to this line (a row repeated?)"
            )


def _check_rows(rows: Sequence[dict[str, Any]]) -> None:
    """Check rows given as dicts (as :func:`read_sheet` returns them) before estimating.

    Rows from :func:`read_sheet` pass (it made the same checks, naming FILE:LINE);
    rows built otherwise get the same checks, named by their ``where`` or position.
    """
    design = _SheetDesign()
    for index, row in enumerate(rows, start=1):
        where = str(row.get("where") or f"coding sheet row {index}")
        stratum = row.get("stratum")
        if stratum not in _STRATA:
            raise GoldFileError(f"{where}: stratum {stratum!r} must be 'matched' or 'unmatched'")
        size = whole_number(row.get("stratum_size"))
        if size is None or size < 1:
            raise GoldFileError(
                f"{where}: stratum_size {shown(row.get('stratum_size'))} is not a positive whole number "
                f"(the number of {stratum} sentences in the corpus)"
            )
        sample = row.get("stratum_sample")
        if sample is not None:
            sample = whole_number(sample)
            if sample is None or sample < 1:
                raise GoldFileError(
                    f"{where}: stratum_sample {shown(row.get('stratum_sample'))} is not a positive whole "
                    f"number (the number of {stratum} sentences drawn)"
                )
        design.add({**row, "stratum_size": size, "stratum_sample": sample}, where)


def estimate_from_sheet(
    rows: Sequence[dict[str, Any]], *, bootstrap: int = 2000, random_state: int = 0
) -> dict[str, Any]:
    """Corpus-level precision, recall and prevalence of one frame from a filled sheet.

    Precision is the positive share of the matched stratum (Wilson interval).
    Recall is ``N_m p_m / (N_m p_m + N_u p_u)`` with ``N`` the stratum sizes and
    ``p`` the positive shares; its interval comes from a bootstrap that resamples
    each stratum separately (percentiles 2.5 and 97.5). Recall is ``None`` without
    an unmatched stratum.

    Example::

        >>> rows = [{"stratum": "matched", "stratum_size": 100, "label": True}] * 9
        >>> rows += [{"stratum": "matched", "stratum_size": 100, "label": False}]
        >>> rows += [{"stratum": "unmatched", "stratum_size": 900, "label": False}] * 10
        >>> est = estimate_from_sheet(rows)
        >>> est["precision"][0], est["recall"][0]
        (0.9, 1.0)

    Raises
    ------
    GoldFileError
        When the rows' design cannot be: a stratum other than matched or unmatched,
        a stratum size that is not a positive whole number, differs within the
        stratum or is smaller than the stratum's rows, or more than one frame
        (named by the row's ``where``, ``FILE:LINE`` for rows of :func:`read_sheet`).
    """
    _check_rows(rows)
    matched = [bool(r["label"]) for r in rows if r["stratum"] == "matched"]
    unmatched = [bool(r["label"]) for r in rows if r["stratum"] == "unmatched"]
    size_m = next((int(r["stratum_size"]) for r in rows if r["stratum"] == "matched"), 0)
    size_u = next((int(r["stratum_size"]) for r in rows if r["stratum"] == "unmatched"), 0)
    precision = wilson(sum(matched), len(matched))
    result: dict[str, Any] = {
        "precision": [round(v, 4) for v in precision] if matched else None,
        "recall": None,
        "prevalence": None,
        "design": {
            "matched": {"population": size_m, "sample": len(matched), "positives": sum(matched)},
            "unmatched": {"population": size_u, "sample": len(unmatched), "positives": sum(unmatched)},
            "interval": "95%: Wilson (precision), stratified bootstrap percentiles (recall, prevalence)",
            "bootstrap": bootstrap,
        },
    }
    if not matched or not unmatched:
        return result

    def figures(pm: np.ndarray, pu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        found, missed = size_m * pm, size_u * pu
        with np.errstate(invalid="ignore", divide="ignore"):
            recall = np.where(found + missed > 0, found / (found + missed), 0.0)
        return recall, (found + missed) / max(size_m + size_u, 1)

    rng = np.random.default_rng(random_state)
    pm = rng.binomial(len(matched), np.mean(matched), bootstrap) / len(matched)
    pu = rng.binomial(len(unmatched), np.mean(unmatched), bootstrap) / len(unmatched)
    recalls, prevalences = figures(pm, pu)
    point_r, point_p = figures(np.array([np.mean(matched)]), np.array([np.mean(unmatched)]))
    result["recall"] = [
        round(float(point_r[0]), 4),
        round(float(np.percentile(recalls, 2.5)), 4),
        round(float(np.percentile(recalls, 97.5)), 4),
    ]
    result["prevalence"] = [
        round(float(point_p[0]), 4),
        round(float(np.percentile(prevalences, 2.5)), 4),
        round(float(np.percentile(prevalences, 97.5)), 4),
    ]
    return result


def check_sheet_frame(rows: Sequence[dict[str, Any]], codebook: Codebook) -> None:
    """Raise :class:`GoldFileError` (``FILE:LINE``) unless the sheet's frame is one of ``codebook``'s.

    ``codebook`` is the codebook the sheet was drawn with (the stored one with the
    sheet's ``codebook_hash``), or the one its estimates are recorded for.
    """
    frames = tuple(codebook.frames)
    for index, row in enumerate(rows, start=1):
        if row.get("frame") not in frames:
            where = row.get("where") or f"coding sheet row {index}"
            raise GoldFileError(
                f"{where}: frame {row.get('frame')!r} is not a frame of the codebook ({', '.join(frames)})"
            )


def sheet_scores(rows: Sequence[dict[str, Any]], *, codebook: Codebook | None = None) -> dict[str, Any]:
    """Unweighted scores on the sheet itself plus ``corpus_estimates`` (what ``evaluate`` prints).

    With ``codebook`` (the codebook the sheet was drawn with), the sheet's frame
    must be one of its frames (:func:`check_sheet_frame`).

    Raises
    ------
    GoldFileError
        No rows, a frame not in ``codebook``, or a design :func:`estimate_from_sheet` rejects.
    """
    from policytext.evaluate import score_labels

    if not rows:
        raise GoldFileError("the coding sheet has no rows")
    if codebook is not None:
        check_sheet_frame(rows, codebook)
    estimate = estimate_from_sheet(rows)  # checks the design first: nothing is scored from a bad sheet
    frame = rows[0]["frame"]
    scores = score_labels(
        [{frame} if r["label"] else set() for r in rows],
        [{frame} if r["predicted"] else set() for r in rows],
        frames=[frame],
    )
    estimate["coded"] = len(rows)
    estimate["drawn_at"] = next((r.get("drawn_at") for r in rows if r.get("drawn_at")), "")
    scores["corpus_estimates"] = {frame: estimate}
    return scores


#: What manifests and the report say when no coding sheet backs a codebook's rates.
NOT_VALIDATED = (
    "the rates are not validated on this corpus: draw a coding sheet with "
    "`policytext sample --frame FRAME --n 100 --unmatched 300 --out sheets/FRAME`, "
    "fill its label column, then `policytext evaluate --gold sheets/FRAME.csv`"
)


def estimate_interval(value: Any) -> str:
    """``0.86 [0.78, 0.92]`` from ``[est, low, high]``; ``n/a`` without one."""
    if not isinstance(value, (list, tuple)) or len(value) != 3:
        return "n/a"
    return f"{value[0]:.2f} [{value[1]:.2f}, {value[2]:.2f}]"


def estimate_source(estimate: dict[str, Any]) -> str:
    """Where an estimate comes from: ``corpus estimate from 120 coded sentences, sample of 2026-12-03``."""
    coded = estimate.get("coded")
    if not isinstance(coded, int):
        design = estimate.get("design") or {}
        coded = sum(int((design.get(s) or {}).get("sample") or 0) for s in ("matched", "unmatched"))
    when = str(estimate.get("drawn_at") or "")[:10]
    dated = f"sample of {when}" if when else f"evaluated {str(estimate.get('created_at') or '?')[:10]}"
    return f"corpus estimate from {coded} coded sentences, {dated}"


def format_estimate(frame: str, estimate: dict[str, Any]) -> str:
    """One line for manifests and reports.

    Example::

        >>> line = format_estimate("devolution", {"precision": [0.86, 0.78, 0.92], "recall": None,
        ...                                       "coded": 120, "drawn_at": "2026-12-03"})
        >>> line.split(" (")[0]
        'devolution: precision 0.86 [0.78, 0.92], recall n/a'
        >>> line.split(" (")[1]
        'corpus estimate from 120 coded sentences, sample of 2026-12-03)'
    """
    return (
        f"{frame}: precision {estimate_interval(estimate.get('precision'))}, "
        f"recall {estimate_interval(estimate.get('recall'))} ({estimate_source(estimate)})"
    )


def estimate_lines(estimates: dict[str, dict[str, Any]], frames: Sequence[str]) -> list[str]:
    """One line per frame of the codebook: its corpus estimate, or that it is not validated.

    Without any estimate, a single line: :data:`NOT_VALIDATED`.

    Example::

        >>> estimate_lines({}, ["devolution"])[0].startswith("the rates are not validated")
        True
    """
    if not estimates:
        return [NOT_VALIDATED]
    ordered = [*frames, *sorted(f for f in estimates if f not in frames)]
    return [
        format_estimate(frame, estimates[frame])
        if frame in estimates
        else f"{frame}: not validated on this corpus (no coding sheet evaluated for it)"
        for frame in ordered
    ]
