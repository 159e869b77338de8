"""One scrape run: host workers fetch and extract, the main thread stores.

Used by :func:`policytext.collect.scrape.scrape` (live) and
:func:`policytext.collect.replay.scrape_archive` (from a WARC file).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from policytext._text import sha256_hex
from policytext.collect._hostqueues import HostQueues
from policytext.collect.extract import EXTRACTOR_VERSION
from policytext.collect.fetch import (
    Fetcher,
    HostUnreachable,
    Response,
    host_of,
)
from policytext.collect.recipes import Recipe
from policytext.collect.sources import Adapter, Page, Target, adapter_for
from policytext.collect.summary import ScrapeSummary
from policytext.errors import (
    ExtractionError,
    FetchError,
    MetadataError,
    PolicytextError,
    ResponseTooLarge,
    RobotsDisallowed,
)
from policytext.people import parse_date
from policytext.store import scrape_state
from policytext.store.corpus import AddOutcome, Corpus, Document

__all__ = ["FALLBACK_RECIPE", "Job", "Result", "Scraper"]

logger = logging.getLogger(__name__)

FALLBACK_RECIPE = "pdf"
_FALLBACK_RECIPE = FALLBACK_RECIPE


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
    count: int = 1


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
        self.queues = HostQueues[_Job](self._safe_work, max_hosts=16)
        self._bars: dict[str, Any] = {}
        self._seen: set[tuple[str, str]] = set()
        self._seen_lock = threading.Lock()

    # -- cache of validators ---------------------------------------------------------

    def _load_cache(self) -> dict[str, dict[str, Any]]:
        return scrape_state.load_http_cache(self.corpus)

    def _remember(self, key: str, source: str, response: Response) -> None:
        scrape_state.remember_response(
            self.corpus,
            scrape_state.CachedResponse(
                url=key,
                source=source,
                status=response.status,
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
                sha256=sha256_hex(response.body),
                fetched_at=response.retrieved_at
                or dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
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
                if recipe.archive_root and recipe.archive_delay is not None:
                    self.fetcher.set_host_delay(host_of(recipe.archive_root), recipe.archive_delay)
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
        if not self.queues.submit(host_of(url), job):
            self.results.put(_Result(job, "unreachable", message=f"{url}: host not reached"))

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
        allowed = set(recipe.fetch_hosts)
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
            dropped = self.queues.drop_host(exc.host)
            self.results.put(_Result(job, "unreachable", message=str(exc), count=1 + dropped))
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
                origin_url=(
                    recipe.public(response.final_url) if recipe.host_map or recipe.archive_root else None
                ),
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
            summary.not_reached += result.count
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
        scrape_state.write_document_attributes(
            self.corpus, source=doc.source, url=page.url, attributes=page.attributes
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


Job = _Job
Result = _Result
Scraper = _Scraper
