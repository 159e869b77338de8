"""Covariate effects on topic prevalence, as ``stm::estimateEffect`` estimates them.

Each topic's document shares are regressed on document covariates with a statsmodels
formula (ordinary least squares, as ``estimateEffect`` does); uncertainty comes from a
bootstrap over documents (resample documents with replacement, refit every topic's
regression, keep the percentile interval of each quantity). The quantities are expected
prevalences, easier to read than coefficients:

- ``table``: for each topic, covariate and level, the expected share with the other
  covariates at their reference (the most frequent level, the median year);
  for ``year`` every year present; and a ``difference`` row per topic for the contrast
  (``Conservative - Labour`` when both parties are present).
- ``by_year``: with a party (or other categorical) covariate and ``year``, the expected
  share per topic, level and year, for the chart of prevalence against year per party.
- ``period(2009-2013)``: those years against the rest, as a two-level covariate made from
  ``year``; ``party * period(2009-2013)`` gives each party its own ``period difference`` row
  per topic (expected share in the period minus in the other years).

Example::

    >>> from policytext.topics.prepare import prepare_texts
    >>> meta = [{"year": 2000 + i % 4, "party": "AB"[i % 2]} for i in range(40)]
    >>> prepared = prepare_texts(["School teachers."] * 40, metadata=meta, unit="document")
    >>> shares = np.array([[0.8, 0.2] if i % 2 else [0.2, 0.8] for i in range(40)])
    >>> fx = estimate_effects(prepared, shares, ["t1", "t2"], "party", bootstrap=20)
    >>> fx.contrast, fx.difference("t1")["estimate"].round(2)
    (('A', 'B'), np.float64(-0.6))
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from policytext.errors import ModelError
from policytext.store.filters import GROUP_FIELDS
from policytext.topics._validation import check_random_state
from policytext.topics.prepare import TopicCorpus
from policytext.topics.prevalence import document_topics

#: Covariates read as numbers (fitted as a B-spline with ``s(...)``, or in a comma list).
NUMERIC_COVARIATES = frozenset({"year", "decade"})
#: The parties compared by default in the difference rows and chart, when both are present.
DEFAULT_CONTRAST = ("Conservative", "Labour")
_SPLINE = re.compile(r"^s\((\w+)\)$")
_PERIOD = re.compile(r"^period\(\s*(\d{1,4})\s*-\s*(\d{1,4})\s*\)$")
#: The level of documents outside a ``period(A-B)`` covariate's years.
OTHER_YEARS = "other"
_TABLE_COLUMNS = ["topic", "covariate", "level", "estimate", "low", "high", "documents"]


@dataclass(frozen=True)
class Covariate:
    """One right-hand-side term: a field of the documents, categorical or a spline of a number.

    ``period(A-B)`` is the categorical ``period`` made from ``year``: ``"A-B"`` for documents
    of those years (``span``), :data:`OTHER_YEARS` for the rest; ``by`` names the categorical
    covariate it interacts with (``party * period(2009-2013)``), so each level of ``by``
    gets its own period difference.
    """

    name: str
    spline: bool
    span: tuple[int, int] | None = None
    by: str | None = None

    @property
    def label(self) -> str:
        """The period's level for documents in its years (``"2009-2013"``)."""
        return f"{self.span[0]}-{self.span[1]}" if self.span else self.name

    def term(self, df: int) -> str:
        """The patsy term: ``C(party)``, ``bs(year, df=4)``, ``year``, or with a period
        interacting with ``by``, ``C(period) + C(party):C(period)``."""
        if self.span is not None:
            return f"C(period) + C({self.by}):C(period)" if self.by else "C(period)"
        if self.name not in NUMERIC_COVARIATES:
            return f"C({self.name})"
        return f"bs({self.name}, df={df})" if self.spline and df >= 3 else self.name


def parse_effects(spec: str) -> list[Covariate]:
    """Covariates from ``"party + s(year)"`` or ``"party,year"`` (a year in a comma list is a
    spline); ``period(2009-2013)`` is those years against the rest, and ``party *
    period(2009-2013)`` lets the period's difference be estimated for each party.

    Example::

        >>> [(c.name, c.spline) for c in parse_effects("party + s(year)")]
        [('party', False), ('year', True)]
        >>> [(c.name, c.span, c.by) for c in parse_effects("party * period(2009-2013)")]
        [('party', None, None), ('period', (2009, 2013), 'party')]
    """
    comma = "," in spec or "+" not in spec
    parts = [p.strip() for p in re.split(r"[,+]", spec) if p.strip()]
    if not parts:
        raise ModelError(f"--effects: {spec!r} names no covariate; write e.g. 'party + s(year)'")
    out: list[Covariate] = []
    for part in parts:
        factors = [f.strip() for f in part.split("*")]
        if len(factors) > 1:
            out.extend(_interaction(factors, spec, out))
            continue
        out.append(_covariate(part, spec, out, comma=comma))
    return out


def _covariate(part: str, spec: str, seen: Sequence[Covariate], *, comma: bool) -> Covariate:
    period = _PERIOD.match(part)
    match = _SPLINE.match(part)
    name = "period" if period else match.group(1) if match else part
    if name in (c.name for c in seen):
        raise ModelError(f"--effects: {name!r} given twice in {spec!r}")
    if period:
        start, end = int(period.group(1)), int(period.group(2))
        if start > end:
            raise ModelError(f"--effects: {part!r} runs backwards; write the first year first")
        return Covariate("period", spline=False, span=(start, end))
    if part.startswith("period"):
        raise ModelError(f"--effects: {part!r} is not a period; write e.g. 'period(2009-2013)'")
    if name not in GROUP_FIELDS:
        raise ModelError(f"--effects: {name!r} is not a document field; use {', '.join(GROUP_FIELDS)}")
    if match and name not in NUMERIC_COVARIATES:
        raise ModelError(
            f"--effects: s({name}) needs a numeric field ({', '.join(sorted(NUMERIC_COVARIATES))})"
        )
    return Covariate(name, spline=bool(match) or (comma and name in NUMERIC_COVARIATES))


def _interaction(factors: list[str], spec: str, seen: Sequence[Covariate]) -> list[Covariate]:
    """``party * period(2009-2013)``: the categorical covariate and the period interacting with it."""
    periods = [f for f in factors if _PERIOD.match(f)]
    others = [f for f in factors if not _PERIOD.match(f)]
    if len(factors) != 2 or len(periods) != 1 or others[0] in NUMERIC_COVARIATES or _SPLINE.match(others[0]):
        raise ModelError(
            f"--effects: {' * '.join(factors)!r}: only a categorical field times a period interacts, "
            "e.g. 'party * period(2009-2013)'"
        )
    field = _covariate(others[0], spec, seen, comma=False)
    period = _covariate(periods[0], spec, [*seen, field], comma=False)
    return [field, Covariate(period.name, spline=False, span=period.span, by=field.name)]


@dataclass(frozen=True)
class TopicEffects:
    """Expected topic prevalence per covariate level with bootstrap intervals (see the module)."""

    formula: str
    covariates: tuple[Covariate, ...]
    table: pd.DataFrame
    by_year: pd.DataFrame
    contrast: tuple[str, str] | None
    documents: int
    bootstrap: int
    level: float

    def describe(self) -> str:
        """One line: the model and where its intervals come from."""
        return (
            f"OLS of each topic's document share on {self.formula}, {self.documents} documents; "
            f"{self.level:.0%} intervals from {self.bootstrap} bootstrap resamples of documents"
        )

    def difference(self, topic: str) -> pd.Series:
        """The contrast row (estimate, low, high) of one topic."""
        rows = self.table[(self.table["topic"] == topic) & (self.table["covariate"] == "difference")]
        if rows.empty:
            raise ModelError(f"effects: no difference row for topic {topic!r} (no contrast)")
        return rows.iloc[0]


def estimate_effects(
    prepared: TopicCorpus,
    unit_topics: np.ndarray,
    topic_ids: Sequence[str],
    spec: str,
    *,
    bootstrap: int = 200,
    level: float = 0.95,
    contrast: tuple[str, str] | None = None,
    random_state: int | None = 0,
) -> TopicEffects:
    """Regress each topic's document share on covariates; intervals by a bootstrap over documents.

    Documents without text or without a value for a covariate are left out. ``contrast``
    names two levels of the first categorical covariate for the difference rows (default
    ``Conservative`` vs ``Labour`` when the covariate has both, else its two most frequent
    levels). Raises :class:`ModelError` for an unknown covariate or too few documents.
    """
    import patsy
    import statsmodels.formula.api as smf

    check_random_state(random_state, "effects")
    if bootstrap < 0 or not 0 < level < 1:
        raise ModelError(f"effects: need bootstrap >= 0 and 0 < level < 1; got {bootstrap}, {level}")
    covariates = parse_effects(spec)
    shares, has_text = document_topics(prepared, unit_topics)
    names = [c.name for c in covariates]
    data = _covariate_data(prepared.documents, covariates)
    keep = has_text & data.notna().all(axis=1).to_numpy()
    data = data[keep].reset_index(drop=True)
    y = shares[keep]
    for cov in covariates:
        data[cov.name] = data[cov.name].astype(float if cov.name in NUMERIC_COVARIATES else str)
    formula = " + ".join(c.term(_spline_df(data[c.name])) for c in covariates)
    design = smf.ols(f"_share ~ {formula}", data.assign(_share=y[:, 0] if len(y) else [])).data
    x = np.asarray(design.exog, dtype=float)
    if len(data) <= x.shape[1]:
        raise ModelError(
            f"effects: {len(data)} documents with text and every covariate ({', '.join(names)}) "
            f"are too few for {x.shape[1]} coefficients"
        )
    grid, rows = _prediction_grid(data, covariates, contrast)
    x_grid = np.asarray(patsy.build_design_matrices([design.model_spec], grid)[0], dtype=float)
    beta = np.linalg.lstsq(x, y, rcond=None)[0]
    point = x_grid @ beta
    rng = np.random.default_rng(random_state)
    draws = np.empty((bootstrap, *point.shape))
    for b in range(bootstrap):
        take = rng.integers(0, len(x), size=len(x))
        draws[b] = x_grid @ np.linalg.lstsq(x[take], y[take], rcond=None)[0]
    table, by_year, used = _tables(point, draws, rows, list(topic_ids), level)
    return TopicEffects(
        formula=_describe(covariates),
        covariates=tuple(covariates),
        table=table,
        by_year=by_year,
        contrast=used,
        documents=len(data),
        bootstrap=bootstrap,
        level=level,
    )


def _describe(covariates: Sequence[Covariate]) -> str:
    """The model as written: ``party * period(2009-2013) + s(year)``."""
    paired = {c.by for c in covariates if c.by}
    terms = []
    for c in covariates:
        if c.name in paired:
            continue
        if c.span is not None:
            terms.append(f"{c.by} * period({c.label})" if c.by else f"period({c.label})")
        else:
            terms.append(f"s({c.name})" if c.spline else c.name)
    return " + ".join(terms)


def _covariate_data(documents: pd.DataFrame, covariates: Sequence[Covariate]) -> pd.DataFrame:
    """One column per covariate; a period's from ``year`` (missing where the year is)."""
    data = pd.DataFrame(index=range(len(documents)))
    for cov in covariates:
        if cov.span is None:
            data[cov.name] = documents[cov.name].reset_index(drop=True)
            continue
        years = pd.to_numeric(documents["year"].reset_index(drop=True), errors="coerce")
        inside = years.between(*cov.span)
        data[cov.name] = inside.map({True: cov.label, False: OTHER_YEARS}).where(years.notna())
    return data


def _spline_df(values: pd.Series) -> int:
    """Degrees of freedom of a year spline: 4, fewer when there are few distinct years."""
    return int(min(4, max(0, values.nunique() - 1)))


def _reference(data: pd.DataFrame, covariates: Sequence[Covariate]) -> dict[str, object]:
    return {
        c.name: float(data[c.name].median()) if c.name in NUMERIC_COVARIATES else data[c.name].mode().iloc[0]
        for c in covariates
    }


def _prediction_grid(
    data: pd.DataFrame, covariates: Sequence[Covariate], contrast: tuple[str, str] | None
) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """The covariate values to predict at, and per row what it stands for (kind, covariate, level)."""
    reference = _reference(data, covariates)
    points: list[dict[str, object]] = []
    rows: list[dict[str, object]] = []
    for cov in covariates:
        counts = data[cov.name].value_counts()
        for value in sorted(counts.index):
            points.append({**reference, cov.name: value})
            level = int(value) if cov.name in NUMERIC_COVARIATES else value
            rows.append(
                {"kind": "level", "covariate": cov.name, "level": level, "documents": int(counts[value])}
            )
    categorical = [c for c in covariates if c.name not in NUMERIC_COVARIATES and c.span is None]
    numeric = [c for c in covariates if c.name in NUMERIC_COVARIATES]
    for period in (c for c in covariates if c.span is not None):
        points_, rows_ = _period_points(data, period, reference)
        points.extend(points_)
        rows.extend(rows_)
    if categorical:
        cov = categorical[0]
        counts = data[cov.name].value_counts()
        for value in sorted(counts.index):
            for year in sorted(data[numeric[0].name].unique()) if numeric else []:
                points.append({**reference, cov.name: value, numeric[0].name: year})
                rows.append({"kind": "by_year", "covariate": cov.name, "level": value, "year": int(year)})
    return pd.DataFrame(points), rows + [{"kind": "contrast", "pair": _contrast(data, categorical, contrast)}]


def _period_points(
    data: pd.DataFrame, period: Covariate, reference: dict[str, object]
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Pairs of points (in the period, other years) for the period's difference rows: one pair
    with the other covariates at their reference, or one per level of ``by`` that has
    documents both in and out of the period."""
    levels: list[object] = [None] if period.by is None else sorted(data[period.by].unique())
    points: list[dict[str, object]] = []
    rows: list[dict[str, object]] = []
    for value in levels:
        members = data if value is None else data[data[str(period.by)] == value]
        inside = int((members[period.name] == period.label).sum())
        if inside == 0 or inside == len(members):
            continue
        fixed = reference if value is None else {**reference, str(period.by): value}
        label = f"{period.label} - {OTHER_YEARS}" + ("" if value is None else f", {period.by}={value}")
        for where in (period.label, OTHER_YEARS):
            points.append({**fixed, period.name: where})
            rows.append({"kind": "period", "level": label, "documents": inside, "side": where})
    return points, rows


def _contrast(
    data: pd.DataFrame, categorical: Sequence[Covariate], contrast: tuple[str, str] | None
) -> tuple[str, str] | None:
    if not categorical:
        return None
    counts = data[categorical[0].name].value_counts()
    if contrast is not None:
        missing = [c for c in contrast if c not in counts.index]
        if missing:
            raise ModelError(
                f"effects: contrast level {missing[0]!r} has no document in {categorical[0].name}"
            )
        return contrast
    if categorical[0].name == "party" and all(p in counts.index for p in DEFAULT_CONTRAST):
        return DEFAULT_CONTRAST
    top = list(counts.index[:2])
    return (str(top[0]), str(top[1])) if len(top) == 2 else None


def _tables(
    point: np.ndarray,
    draws: np.ndarray,
    rows: list[dict[str, object]],
    topics: list[str],
    level: float,
) -> tuple[pd.DataFrame, pd.DataFrame, tuple[str, str] | None]:
    lo_q, hi_q = (1 - level) / 2, (1 + level) / 2
    if len(draws):
        low, high = np.quantile(draws, lo_q, axis=0), np.quantile(draws, hi_q, axis=0)
    else:
        low = high = np.full_like(point, np.nan)
    pair = rows[-1]["pair"]
    assert pair is None or isinstance(pair, tuple)
    table: list[dict[str, object]] = []
    by_year: list[dict[str, object]] = []
    where: dict[object, int] = {}
    period_rows: list[dict[str, object]] = []
    for i, row in enumerate(rows[:-1]):
        if row["kind"] == "period":
            if row["side"] != OTHER_YEARS:
                period_rows.extend(_difference_rows(point, draws, i, i + 1, row, topics, (lo_q, hi_q)))
            continue
        for t, topic in enumerate(topics):
            values = {"estimate": point[i, t], "low": low[i, t], "high": high[i, t]}
            if row["kind"] == "level":
                table.append(
                    {"topic": topic, **{k: row[k] for k in ("covariate", "level", "documents")}, **values}
                )
                where[(row["covariate"], row["level"])] = i
            else:
                by_year.append(
                    {"topic": topic, str(row["covariate"]): row["level"], "year": row["year"], **values}
                )
    if pair is not None:
        cov = next(r["covariate"] for r in rows[:-1] if r["kind"] == "level" and r["level"] == pair[0])
        a, b = where[(cov, pair[0])], where[(cov, pair[1])]
        diff = draws[:, a] - draws[:, b]
        for t, topic in enumerate(topics):
            table.append(
                {
                    "topic": topic,
                    "covariate": "difference",
                    "level": f"{pair[0]} - {pair[1]}",
                    "documents": None,
                    "estimate": point[a, t] - point[b, t],
                    "low": np.quantile(diff[:, t], lo_q) if len(diff) else np.nan,
                    "high": np.quantile(diff[:, t], hi_q) if len(diff) else np.nan,
                }
            )
    return pd.DataFrame(table + period_rows, columns=_TABLE_COLUMNS), pd.DataFrame(by_year), pair


def _difference_rows(
    point: np.ndarray,
    draws: np.ndarray,
    a: int,
    b: int,
    row: dict[str, object],
    topics: list[str],
    quantiles: tuple[float, float],
) -> list[dict[str, object]]:
    """``period difference`` rows: expected share in the period minus in the other years."""
    diff = draws[:, a] - draws[:, b]
    return [
        {
            "topic": topic,
            "covariate": "period difference",
            "level": row["level"],
            "documents": row["documents"],
            "estimate": point[a, t] - point[b, t],
            "low": np.quantile(diff[:, t], quantiles[0]) if len(diff) else np.nan,
            "high": np.quantile(diff[:, t], quantiles[1]) if len(diff) else np.nan,
        }
        for t, topic in enumerate(topics)
    ]
