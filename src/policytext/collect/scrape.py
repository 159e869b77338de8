"""The scrape: catalogue entries or whole sources -> fetched, extracted, stored.

Work is queued per host: each host is drained by its own thread, one request
at a time with the recipe's delay, while different hosts run in parallel. The
main thread stores each document as soon as it is extracted, in its own
transaction, so a scrape killed mid-run keeps everything stored and a re-run
skips it: a URL already stored is fetched again only conditionally (ETag /
Last-Modified, from the ``http_cache`` table) or, when the server gave no
validators, not at all unless ``refresh`` asks (then a body with the stored
sha256 counts as unchanged). Every response goes to the WARC archive with a note of what it
was for, so :func:`scrape_archive` replays the extraction with no network.

Example::

    >>> from policytext.store.corpus import Corpus
    >>> with Corpus.open("corpus/policytext.db") as corpus:              # doctest: +SKIP
    ...     summary = scrape(corpus, catalogue="corpus/catalogue.toml")
    ...     print(summary.report())
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from policytext._text import sha256_hex
from policytext.collect.catalogue import CatalogueEntry, load_catalogue
from policytext.collect.extract import EXTRACTOR_VERSION
from policytext.collect.fetch import (
    Fetcher,
    FetchSettings,
    HostUnreachable,
    Response,
    WarcArchive,
    host_of,
    read_archive,
)
from policytext.collect.recipes import Recipe, load_recipes, recipe_for_url
from policytext.collect.sources import Adapter, Page, Target, adapter_for
from policytext.errors import (
    ExtractionError,
    FetchError,
    InputError,
    MetadataError,
    PolicytextError,
    ResponseTooLarge,
    RobotsDisallowed,
)
from policytext.people import parse_date
from policytext.store.corpus import AddOutcome, Corpus, Document

__all__ = [
    "ScrapeSummary",
    "default_archive_path",
    "document_attributes",
    "plan_catalogue",
    "scrape",
    "scrape_archive",
]

logger = logging.getLogger(__name__)

_FALLBACK_RECIPE = "pdf"


def default_archive_path(db: str | Path) -> Path:
    """``archive/scrape-<UTC time>.warc.gz`` beside the corpus database."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(db).parent / "archive" / f"scrape-{stamp}.warc.gz"


@dataclass
class ScrapeSummary:
    """What a scrape did, for the end-of-run report.

    ``failed`` and ``robots`` list ``(url, reason)``; ``unreachable`` maps a
    host to why it could not be reached; ``gone`` lists documents the site
    removed or withheld.
    """

    fetched: int = 0
    stored: int = 0
    updated: int = 0
    unchanged: int = 0
    outside_dates: int = 0
    robots: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    unreachable: dict[str, str] = field(default_factory=dict)
    by_source: dict[str, int] = field(default_factory=dict)

    def report(self) -> str:
        """Several lines: counts, then each failure with its reason."""
        lines = [
            f"fetched {self.fetched}, stored {self.stored} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.robots)} skipped by robots.txt, "
            f"{len(self.gone)} gone or withheld, {len(self.failed)} failed"
            + (f", {self.outside_dates} outside the dates" if self.outside_dates else "")
        ]
        for host, reason in sorted(self.unreachable.items()):
            lines.append(f"unreachable: {host} ({reason})")
        for url, _reason in self.robots:
            lines.append(f"robots.txt: {url}")
        for message in self.gone:
            lines.append(f"gone: {message}")
        for url, reason in self.failed:
            lines.append(f"failed: {reason}" if url in reason else f"failed: {url}: {reason}")
        return "\n".join(lines)


@dataclass(frozen=True)
class _Job:
    recipe: Recipe
    target: Target
    source_label: str
    from_catalogue: bool = False


@dataclass(frozen=True)
class _Result:
    job: _Job
    kind: str  # pages, unchanged, failed, robots, gone, unreachable, done, fetched
    response: Response | None = None
    pages: tuple[Page, ...] = ()
    message: str = ""
    cache_key: str = ""


class _HostQueues:
    """One FIFO per host, each drained by one worker thread; hosts run in parallel."""

    def __init__(self, work: Callable[[_Job], None], *, max_hosts: int) -> None:
        self._work = work
        self._queues: dict[str, deque[_Job]] = {}
        self._active: set[str] = set()
        self._outstanding = 0
        self._lock = threading.Condition()
        self._pool = ThreadPoolExecutor(max_workers=max_hosts, thread_name_prefix="policytext-host")
        self.dropped: set[str] = set()

    def submit(self, host: str, job: _Job) -> None:
        with self._lock:
            if host in self.dropped:
                return
            self._queues.setdefault(host, deque()).append(job)
            self._outstanding += 1
            if host not in self._active:
                self._active.add(host)
                self._pool.submit(self._drain, host)

    def drop_host(self, host: str) -> None:
        """Forget the rest of a host's queue (it cannot be reached)."""
        with self._lock:
            self.dropped.add(host)
            pending = self._queues.get(host)
            if pending:
                self._outstanding -= len(pending)
                pending.clear()
                self._lock.notify_all()

    def _drain(self, host: str) -> None:
        while True:
            with self._lock:
                pending = self._queues.get(host)
                if not pending:
                    self._active.discard(host)
                    return
                job = pending.popleft()
            try:
                self._work(job)
            finally:
                with self._lock:
                    self._outstanding -= 1
                    self._lock.notify_all()

    def is_idle(self) -> bool:
        with self._lock:
            return self._outstanding <= 0

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class _Scraper:
    """One run: shared state between the host workers and the storing main thread."""

    def __init__(
        self,
        corpus: Corpus,
        fetcher: Fetcher,
        *,
        since: str | None,
        until: str | None,
        limit: int | None,
        progress: bool,
        refresh: bool = False,
    ) -> None:
        self.corpus = corpus
        self.refresh = refresh
        self.fetcher = fetcher
        self.since = parse_date(since, where="--since").first_day if since else None
        self.until = parse_date(until, where="--until").last_day if until else None
        self.limit = limit
        self.progress = progress
        self.results: queue.Queue[_Result] = queue.Queue()
        self.summary = ScrapeSummary()
        self.stop = threading.Event()
        self.adapters: dict[str, Adapter] = {}
        self.cache = self._load_cache()
        self.queues = _HostQueues(self._safe_work, max_hosts=16)
        self._bars: dict[str, Any] = {}
        self._seen: set[tuple[str, str]] = set()
        self._seen_lock = threading.Lock()

    # -- cache of validators ---------------------------------------------------------

    def _load_cache(self) -> dict[str, dict[str, Any]]:
        rows = self.corpus.conn.execute("SELECT url, status, etag, last_modified, sha256 FROM http_cache")
        return {row["url"]: dict(row) for row in rows}

    def _remember(self, key: str, source: str, response: Response) -> None:
        self.corpus.conn.execute(
            "INSERT INTO http_cache (url, source, status, etag, last_modified, sha256, fetched_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET source = excluded.source, "
            "status = excluded.status, etag = excluded.etag, last_modified = excluded.last_modified, "
            "sha256 = excluded.sha256, fetched_at = excluded.fetched_at",
            (
                key,
                source,
                response.status,
                response.headers.get("etag"),
                response.headers.get("last-modified"),
                sha256_hex(response.body),
                response.retrieved_at or dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            ),
        )

    # -- queueing ----------------------------------------------------------------------

    def adapter(self, recipe: Recipe) -> Adapter:
        key = f"{recipe.name}@{recipe.base_url}"
        if key not in self.adapters:
            self.adapters[key] = adapter_for(recipe)
            if not recipe.host_map:
                # The recipe's rate is for the real site; a --base-url mirror (or a test
                # server) gets the fetcher's own delay.
                for host in recipe.hosts:
                    self.fetcher.set_host_delay(host, recipe.delay)
        return self.adapters[key]

    def submit(self, job: _Job) -> None:
        recipe, target = job.recipe, job.target
        url = recipe.rewrite(target.url)
        if url != target.url:
            job = replace(job, target=replace(target, url=url, origin_url=target.origin_url or target.url))
        elif recipe.host_map and target.origin_url is None:
            # Found on a --base-url mirror (a listing's link): its public URL is on the recipe's home.
            job = replace(job, target=replace(target, origin_url=recipe.public(url)))
        key = (job.target.kind, url)
        with self._seen_lock:
            if key in self._seen:
                return  # listed twice (a page number and "Next", two listings): fetched once
            self._seen.add(key)
        self.queues.submit(host_of(url), job)

    # -- worker side (host threads): fetch and extract, no database --------------------

    def _safe_work(self, job: _Job) -> None:
        try:
            self._work(job)
        except Exception as exc:  # noqa: BLE001 - a bug in a worker must reach the main thread
            self.results.put(_Result(job, "crash", message=f"{job.target.url}: {type(exc).__name__}: {exc}"))
            self.stop.set()

    def _work(self, job: _Job) -> None:
        if self.stop.is_set():
            return
        recipe, target = job.recipe, job.target
        key = target.public_url
        cached = self.cache.get(key) if target.kind == "document" else None
        if cached and not (cached.get("etag") or cached.get("last_modified")) and not self.refresh:
            # No validators to re-check with: not downloaded again unless --refresh asks.
            self.results.put(_Result(job, "unchanged", message="stored before; no validators to re-check"))
            return
        annotations = {
            "WARC-Policytext-Source": recipe.name,
            "WARC-Policytext-Kind": target.kind,
            "WARC-Policytext-Target": json.dumps(
                {
                    "metadata": dict(target.metadata),
                    "catalogue_id": target.catalogue_id,
                    "label": job.source_label,
                    "from_catalogue": job.from_catalogue,
                    "url": target.url,
                    "origin_url": target.origin_url,
                },
                sort_keys=True,
            ),
        }
        if recipe.host_map:
            annotations["WARC-Policytext-Base-URL"] = recipe.base_url
        allowed = set(recipe.hosts)
        if recipe.name == _FALLBACK_RECIPE:
            # A catalogue URL on a host no recipe names: that host (and its www. twin) only.
            host = host_of(target.url)
            allowed |= {host, host[4:] if host.startswith("www.") else f"www.{host}"}
        try:
            response = self.fetcher.fetch(
                target.url,
                allowed_hosts=allowed,
                etag=cached.get("etag") if cached else None,
                last_modified=cached.get("last_modified") if cached else None,
                annotations=annotations,
            )
        except RobotsDisallowed as exc:
            self.results.put(_Result(job, "robots", message=str(exc)))
            return
        except HostUnreachable as exc:
            self.queues.drop_host(exc.host)
            self.results.put(_Result(job, "unreachable", message=str(exc)))
            return
        except ResponseTooLarge as exc:
            self.results.put(_Result(job, "failed", message=str(exc)))
            return
        except FetchError as exc:
            self.results.put(_Result(job, "failed", message=str(exc)))
            return
        self.results.put(_Result(job, "fetched", response=response))
        if (
            cached
            and response.status == 200
            and not response.not_modified
            and cached.get("sha256") == sha256_hex(response.body)
        ):
            # Fetched again (no validators, or the server ignored them) and byte for byte
            # what was stored: nothing to extract or store.
            self.results.put(
                _Result(
                    job,
                    "unchanged",
                    response=response,
                    message="same content (sha256) as stored",
                    cache_key=key,
                )
            )
            return
        self.handle_response(job, response, follow=True)

    def handle_response(self, job: _Job, response: Response, *, follow: bool) -> None:
        """Extract one response and queue its results (also used by the archive replay)."""
        target = job.target
        cache_key = target.public_url
        if response.final_url != target.url:
            # Redirected (within the recipe's hosts): the document is where it ended up.
            recipe = job.recipe
            target = replace(
                target,
                url=response.final_url,
                origin_url=recipe.public(response.final_url) if recipe.host_map else None,
            )
            job = replace(job, target=target)
        if response.not_modified:
            self.results.put(_Result(job, "unchanged", message="not modified (HTTP 304)"))
            return
        if response.status >= 400 and target.metadata.get("optional"):
            # A probed listing page past the end (a CDX server refusing page=N).
            self.results.put(_Result(job, "done", message=f"{target.url}: HTTP {response.status}"))
            return
        if response.status >= 400 and response.status != 410:
            self.results.put(_Result(job, "failed", message=f"{target.url}: HTTP {response.status}"))
            return
        if response.status == 410 and job.recipe.adapter != "govuk":
            self.results.put(_Result(job, "gone", message=f"{target.url}: gone (HTTP 410)"))
            return
        try:
            extraction = self.adapter(job.recipe).extract(response, target)
        except ExtractionError as exc:
            self.results.put(
                _Result(
                    job,
                    "failed",
                    message=f"{exc}" if target.url in str(exc) else f"{target.url}: {exc}",
                )
            )
            return
        except PolicytextError as exc:
            self.results.put(_Result(job, "failed", message=f"{target.url}: {exc}"))
            return
        if extraction.gone:
            self.results.put(_Result(job, "gone", message=extraction.gone))
        for url, reason in extraction.failures:
            failed_job = replace(job, target=replace(target, url=url, origin_url=None, kind="document"))
            message = reason if url in reason else f"{url}: {reason}"
            self.results.put(_Result(failed_job, "failed", message=message))
        if extraction.pages:
            self.results.put(
                _Result(job, "pages", response=response, pages=extraction.pages, cache_key=cache_key)
            )
        elif target.kind == "document" and not extraction.follow and not extraction.gone:
            self.results.put(_Result(job, "failed", message=f"{target.url}: no document found"))
        if follow:
            for item in extraction.follow:
                # A catalogue entry's metadata carries on to what its page links to.
                merged = (
                    {**target.metadata, **{k: v for k, v in item.metadata.items() if v}}
                    if job.from_catalogue
                    else dict(item.metadata)
                )
                self.submit(
                    _Job(
                        job.recipe,
                        replace(
                            item,
                            metadata=merged,
                            catalogue_id=item.catalogue_id or target.catalogue_id,
                        ),
                        job.source_label,
                        job.from_catalogue,
                    )
                )

    # -- main thread: store -------------------------------------------------------------

    def consume(self) -> None:
        """Store results as they come until every host queue is drained."""
        while True:
            try:
                result = self.results.get(timeout=0.05)
            except queue.Empty:
                if self.queues.is_idle() and self.results.empty():
                    return
                continue
            self.store(result)

    def store(self, result: _Result) -> None:
        job, summary = result.job, self.summary
        url = job.target.public_url
        source = job.recipe.name
        if result.kind == "crash":
            raise PolicytextError(f"internal error while scraping {result.message}")
        if result.kind == "fetched":
            summary.fetched += 1
            return
        if result.kind == "unchanged":
            summary.unchanged += 1
            if result.response is not None and result.cache_key:
                # The same bytes under new validators: keep the new ones, so the next
                # run's conditional request can get its 304.
                with self.corpus.transaction():
                    self._remember(result.cache_key, source, result.response)
            self._tick(job)
        elif result.kind == "robots":
            summary.robots.append((url, result.message))
            self.corpus.record_failure(url, result.message, source=source)
            self._tick(job)
        elif result.kind == "unreachable":
            host = host_of(job.target.url)
            summary.unreachable.setdefault(host, result.message)
        elif result.kind == "gone":
            summary.gone.append(result.message)
            self.corpus.record_failure(url, f"gone: {result.message}", source=source)
            self._tick(job)
        elif result.kind == "failed":
            summary.failed.append((url, result.message))
            self.corpus.record_failure(url, result.message, source=source)
            self._tick(job)
        elif result.kind == "pages":
            assert result.response is not None
            self._store_pages(job, result.response, result.pages, cache_key=result.cache_key)
            self._tick(job)

    def _store_pages(
        self, job: _Job, response: Response, pages: Sequence[Page], *, cache_key: str = ""
    ) -> None:
        summary = self.summary
        key = cache_key or job.target.public_url
        stored_any = False
        for page in pages:
            if self.stop.is_set():
                return
            doc = self._document(job, response, page)
            if not self._in_window(doc.date):
                summary.outside_dates += 1
                continue
            try:
                with self.corpus.transaction():
                    outcome = self.corpus.add(doc, where=page.url)
                    if page.attributes:
                        self._write_attributes(doc, page)
                    if job.target.kind == "document":
                        self._remember(key, job.recipe.name, response)
            except MetadataError as exc:
                summary.failed.append((page.url, str(exc)))
                self.corpus.record_failure(page.url, str(exc), source=job.recipe.name)
                continue
            stored_any = True
            if outcome is AddOutcome.ADDED or outcome is AddOutcome.NEW_VERSION:
                summary.stored += 1
                summary.by_source[job.source_label] = summary.by_source.get(job.source_label, 0) + 1
            elif outcome is AddOutcome.UPDATED:
                summary.updated += 1
            else:
                summary.unchanged += 1
            if self.limit is not None and summary.stored >= self.limit:
                self.stop.set()
                return
        if not stored_any:
            logger.info("%s: nothing stored", key)

    def _write_attributes(self, doc: Document, page: Page) -> None:
        row = self.corpus.conn.execute(
            "SELECT pk FROM documents WHERE source IS ? AND url = ? AND is_current = 1 "
            "ORDER BY pk DESC LIMIT 1",
            (doc.source, page.url),
        ).fetchone()
        if row is None:
            return
        self.corpus.conn.executemany(
            "INSERT INTO document_attributes (doc_pk, key, value) VALUES (?, ?, ?) "
            "ON CONFLICT (doc_pk, key) DO UPDATE SET value = excluded.value",
            [(row["pk"], key, value) for key, value in sorted(page.attributes.items())],
        )

    def _document(self, job: _Job, response: Response, page: Page) -> Document:
        meta = job.target.metadata

        def pick(name: str) -> str | None:
            value = getattr(page, name)
            return value if value else (meta.get(name) or None)

        date = pick("date")
        known = meta.get("date")
        if page.date and known and known != page.date:
            if known.startswith(page.date):
                date = known  # the page gives only the year or month: the catalogue's day refines it
            else:
                logger.warning(
                    "%s: the page's date %s differs from the catalogue's %s; keeping the page's",
                    page.url,
                    page.date,
                    known,
                )
        return Document(
            text=page.text,
            id=job.target.catalogue_id,
            source=job.recipe.name,
            url=page.url,
            speaker=pick("speaker"),
            party=pick("party"),
            date=date,
            title=pick("title"),
            doc_type=pick("doc_type") or job.recipe.doc_type,
            venue=pick("venue"),
            sha256=sha256_hex(response.body),
            retrieved_at=response.retrieved_at or None,
            extractor_version=f"{EXTRACTOR_VERSION}/{job.recipe.adapter}",
            status=page.status,
            warc_file=response.warc_file,
            warc_offset=response.warc_offset,
        )

    def _in_window(self, date: str | None) -> bool:
        if date is None or (self.since is None and self.until is None):
            return True
        try:
            parsed = parse_date(date)
        except MetadataError:
            return True
        if self.since is not None and parsed.last_day < self.since:
            return False
        return not (self.until is not None and parsed.first_day > self.until)

    def _tick(self, job: _Job) -> None:
        if not self.progress:
            return
        from tqdm import tqdm

        bar = self._bars.get(job.source_label)
        if bar is None:
            bar = self._bars[job.source_label] = tqdm(
                desc=job.source_label, unit="doc", position=len(self._bars), leave=True
            )
        bar.update(1)

    def close(self) -> None:
        self.queues.close()
        for bar in self._bars.values():
            bar.close()


def _with_overrides(recipes: Mapping[str, Recipe], base_urls: Mapping[str, str]) -> dict[str, Recipe]:
    out = dict(recipes)
    for name, url in base_urls.items():
        if name not in out:
            raise InputError(
                f"--base-url {name}={url}: unknown source {name!r} (sources: {', '.join(sorted(out))})"
            )
        out[name] = out[name].with_base_url(url)
    return out


def _with_member(recipes: Mapping[str, Recipe], member: str) -> dict[str, Recipe]:
    """The Hansard recipes crawling ``member`` (by name) instead of their own member."""
    if not member.strip():
        raise InputError("--member: give a member's name, e.g. --member 'Ed Miliband'")
    out = dict(recipes)
    for name, recipe in recipes.items():
        if recipe.adapter == "hansard":
            discover = {k: v for k, v in recipe.discover.items() if k != "member_id"}
            discover["member"] = member.strip()
            out[name] = replace(recipe, discover=MappingProxyType(discover))
    return out


def _catalogue_jobs(
    entries: Iterable[CatalogueEntry], recipes: Mapping[str, Recipe], scraper: _Scraper
) -> list[_Job]:
    jobs = []
    for entry in entries:
        try:
            recipe = recipe_for_url(entry.url, recipes)
        except InputError:
            recipe = recipes[_FALLBACK_RECIPE]
        target = scraper.adapter(recipe).resolve(entry.url, metadata=entry.metadata())
        target = replace(target, catalogue_id=entry.id or None)
        jobs.append(_Job(recipe, target, recipe.name, from_catalogue=True))
    return jobs


def document_attributes(corpus: Corpus, doc_id: str) -> dict[str, str]:
    """Source facts stored beside a document (e.g. GOV.UK ``speech_type``).

    Example::

        >>> document_attributes(corpus, "cameron-2011-big-society")["speech_type"]  # doctest: +SKIP
        'Transcript of the speech, exactly as it was delivered'
    """
    rows = corpus.conn.execute(
        "SELECT a.key, a.value FROM document_attributes a JOIN documents d ON d.pk = a.doc_pk "
        "WHERE d.id = ? AND d.is_current = 1 ORDER BY a.key",
        (doc_id,),
    )
    return {row["key"]: row["value"] for row in rows}


def plan_catalogue(
    catalogue: str | Path,
    *,
    recipes: Mapping[str, Recipe] | None = None,
) -> list[dict[str, str]]:
    """What a catalogue scrape would fetch, entry by entry, with no network.

    Each row gives the entry's ``id``, the ``recipe`` chosen from the URL's
    host, the ``fetch_url`` (a GOV.UK page becomes its Content API URL, an
    archive link its raw memento) and a ``check``: ``ok`` when the URL has the
    shape of the recipe's documents, else what is uncertain about it.

    Example::

        >>> plan_catalogue("corpus/catalogue.toml")[0]["recipe"]   # doctest: +SKIP
        'bps'
    """
    import re

    all_recipes = dict(recipes if recipes is not None else load_recipes())
    rows = []
    for entry in load_catalogue(catalogue):
        try:
            recipe = recipe_for_url(entry.url, all_recipes)
            check = "ok"
        except InputError:
            recipe = all_recipes[_FALLBACK_RECIPE]
            check = "no recipe for this host: read as a generic page or PDF"
        if check == "ok" and recipe.document_pattern and not re.search(recipe.document_pattern, entry.url):
            check = f"URL does not look like a {recipe.name} document"
        target = adapter_for(recipe).resolve(entry.url)
        rows.append(
            {
                "id": entry.id or "",
                "recipe": recipe.name,
                "url": entry.url,
                "fetch_url": target.url,
                "check": check,
            }
        )
    return rows


def scrape(
    corpus: Corpus,
    *,
    catalogue: str | Path | None = None,
    sources: Sequence[str] = (),
    base_urls: Mapping[str, str] | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
    archive: str | Path | None = None,
    settings: FetchSettings | None = None,
    recipes: Mapping[str, Recipe] | None = None,
    progress: bool = False,
    refresh: bool = False,
    member: str | None = None,
) -> ScrapeSummary:
    """Fetch, extract and store the catalogue's documents or whole sources.

    Parameters
    ----------
    corpus:
        The store documents, failures and HTTP validators are written to.
    catalogue:
        A catalogue file (``corpus/catalogue.toml``); exclusive with ``sources``.
    sources:
        Recipe names to crawl through their discovery (API, listings, CDX).
    base_urls:
        Source name -> origin, pointing a recipe elsewhere with paths unchanged.
    since, until:
        Inclusive date window (partial dates allowed) for discovery and storing.
    limit:
        Stop after this many documents have been stored.
    archive:
        The WARC file every response is appended to (none when omitted).
    settings:
        Politeness settings (:class:`~policytext.collect.fetch.FetchSettings`).
    recipes:
        Recipes by name (default: the shipped ones).
    progress:
        A progress bar per source on stderr.
    member:
        The Hansard member to crawl, by name (looked up through the Parliament
        Members API), instead of the recipe's.
    refresh:
        Also re-fetch stored URLs whose server gave no ETag/Last-Modified
        (by default they are not downloaded again); a response byte for byte
        the same as the stored one (sha256) counts as unchanged, a changed one
        is extracted and stored as a new version.

    Returns
    -------
    ScrapeSummary
        Counts and every failure with its reason.

    Raises
    ------
    InputError
        A bad catalogue, an unknown source, both or neither of catalogue and sources.

    Example::

        >>> with Corpus.open(":memory:") as corpus:                          # doctest: +SKIP
        ...     scrape(corpus, sources=["govuk"], since="2011", until="2011", limit=20).stored
        20
    """
    if bool(catalogue) == bool(sources):
        raise InputError(
            "give either a catalogue (--catalogue PATH) or sources (--source NAME), not both or neither"
        )
    if limit is not None and limit < 1:
        raise InputError(f"--limit {limit}: must be at least 1")
    all_recipes = _with_overrides(recipes if recipes is not None else load_recipes(), base_urls or {})
    if member is not None:
        all_recipes = _with_member(all_recipes, member)
    for name in sources:
        if name not in all_recipes:
            raise InputError(f"--source {name}: unknown source (sources: {', '.join(sorted(all_recipes))})")
    entries = load_catalogue(catalogue) if catalogue else []
    settings = settings or FetchSettings()
    warc = WarcArchive(archive) if archive else None
    with Fetcher(settings, archive=warc) as fetcher:
        for name in base_urls or {}:
            # A --base-url mirror was named by the user: it may be on a private address.
            for host in all_recipes[name].hosts:
                fetcher.allow_private_host(host)
        scraper = _Scraper(
            corpus,
            fetcher,
            since=since,
            until=until,
            limit=limit,
            progress=progress,
            refresh=refresh,
        )
        try:
            if catalogue:
                jobs = _catalogue_jobs(entries, all_recipes, scraper)
            else:
                jobs = []
                for name in sources:
                    recipe = all_recipes[name]
                    adapter = scraper.adapter(recipe)
                    jobs += [_Job(recipe, t, name) for t in adapter.seeds(since=since, until=until)]
            for job in jobs:
                scraper.submit(job)
            scraper.consume()
        finally:
            scraper.stop.set()
            scraper.close()
    return scraper.summary


def _succeeded(record: Any) -> bool:
    return bool(200 <= record.status < 300)


def scrape_archive(
    corpus: Corpus,
    archive: str | Path,
    *,
    recipes: Mapping[str, Recipe] | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int | None = None,
    progress: bool = False,
) -> ScrapeSummary:
    """Re-run extraction from a WARC archive written by :func:`scrape`; no network.

    The latest successful response of each URL is extracted with the recipe
    that fetched it and stored with the same provenance as the live run.

    Example::

        >>> with Corpus.open(":memory:") as corpus:                          # doctest: +SKIP
        ...     scrape_archive(corpus, "corpus/archive/scrape.warc.gz").stored
        12
    """
    all_recipes = dict(recipes if recipes is not None else load_recipes())
    latest: dict[str, Any] = {}
    for record in read_archive(archive):
        source = record.extra.get("WARC-Policytext-Source")
        if not source or record.status == 304 or 300 <= record.status < 400 or record.truncated:
            continue
        earlier = latest.get(record.url)
        if earlier is not None and _succeeded(earlier) and not _succeeded(record):
            # A later error (a retried 5xx, a failed re-run appending to the same file)
            # does not hide the response the document was extracted from.
            continue
        latest[record.url] = record
    fetcher = Fetcher(FetchSettings(obey_robots=False))
    scraper = _Scraper(corpus, fetcher, since=since, until=until, limit=limit, progress=progress)
    scraper.cache = {}
    try:
        for record in latest.values():
            if scraper.stop.is_set():
                break
            name = record.extra["WARC-Policytext-Source"]
            if name not in all_recipes:
                scraper.summary.failed.append(
                    (record.url, f"{record.url}: archived by unknown recipe {name!r}")
                )
                continue
            recipe = all_recipes[name]
            if record.extra.get("WARC-Policytext-Base-URL"):
                recipe = recipe.with_base_url(record.extra["WARC-Policytext-Base-URL"])
            try:
                info = json.loads(record.extra.get("WARC-Policytext-Target") or "{}")
            except json.JSONDecodeError:
                info = {}
            target = Target(
                url=str(info.get("url") or record.url),
                kind=record.extra.get("WARC-Policytext-Kind", "document"),
                metadata=info.get("metadata") or {},
                catalogue_id=info.get("catalogue_id"),
                origin_url=info.get("origin_url"),
            )
            job = _Job(
                recipe,
                target,
                str(info.get("label") or name),
                from_catalogue=bool(info.get("from_catalogue")),
            )
            scraper.summary.fetched += 1
            scraper.handle_response(job, record.as_response(), follow=False)
            while not scraper.results.empty():
                scraper.store(scraper.results.get())
    finally:
        scraper.close()
    return scraper.summary
