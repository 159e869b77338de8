"""The interactive report in a real browser: the system Chromium driven by Playwright.

Never ``playwright install``: the browser is the one the system package manager put at
/usr/bin/chromium (``apt-get install chromium``; .ci/run installs it when it can). The tests
skip with the reason when Playwright or Chromium is missing. Screenshots are saved under
the test's tmp dir (and tests/artifacts/ when that folder exists; it is ignored by git).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import SMALL_CORPUS, store_tagged
from policytext.report import write_report
from policytext.store.corpus import Corpus

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("POLICYTEXT_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    if not CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium (or set POLICYTEXT_CHROMIUM)")
    with sync_api.sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        except Exception as exc:  # a browser that cannot start here is a skip, not a failure
            pytest.skip(f"Chromium at {CHROMIUM} did not start: {str(exc).splitlines()[0]}")
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def report_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One report of the small hand-checked corpus for the whole module."""
    folder = tmp_path_factory.mktemp("browser-report")
    with Corpus.open(folder / "policytext.db") as corpus:
        store_tagged(corpus, SMALL_CORPUS)
        return write_report(corpus, folder / "report", bootstrap=50)


class Page:
    """A page with its console errors and every request it made recorded."""

    def __init__(self, browser: Any, index: Path) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(index.as_uri())
        self.page.wait_for_selector("body[data-ready=true]", timeout=30_000)

    def screenshot(self, tmp_path: Path, name: str) -> Path:
        path = tmp_path / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=False)
        if ARTIFACTS.is_dir():
            shutil.copyfile(path, ARTIFACTS / path.name)
        return path


@pytest.fixture(scope="module")
def loaded(browser: Any, report_index: Path) -> Iterator[Page]:
    """The page is loaded once (plotly.js is 4.8 MB); each test starts with the panel closed."""
    opened = Page(browser, report_index)
    yield opened
    opened.page.close()


@pytest.fixture
def page(loaded: Page) -> Page:
    loaded.page.keyboard.press("Escape")
    loaded.errors.clear()
    return loaded


def test_browser_page_loads_offline_without_errors(loaded: Page, tmp_path: Path) -> None:
    page = loaded
    shot = page.screenshot(tmp_path, "report-loaded")
    assert shot.stat().st_size > 10_000
    assert page.errors == []
    outside = [url for url in page.requests if not url.startswith("file://")]
    assert outside == [], outside
    # Every chart was drawn by plotly.js (an SVG inside each chart container).
    charts = page.page.locator("div.chart[data-figure]")
    assert charts.count() >= 4
    for i in range(charts.count()):
        assert charts.nth(i).locator("svg.main-svg").count() >= 1


def test_browser_every_table_cell_opens_as_many_lines_as_its_count(page: Page, tmp_path: Path) -> None:
    cells = page.page.locator("#by-year td.ev")
    assert cells.count() > 0
    nonzero = 0
    for i in range(cells.count()):
        cell = cells.nth(i)
        count = int(cell.get_attribute("data-count") or "-1")
        cell.click()
        lines = page.page.locator("#ev-lines li.ev-line")
        assert lines.count() == count, (cell.get_attribute("data-frame"), cell.get_attribute("data-key"))
        nonzero += count > 0
        page.page.keyboard.press("Escape")
    assert nonzero >= 5
    assert page.errors == []


def test_browser_evidence_lines_show_metadata_and_filter(page: Page, tmp_path: Path) -> None:
    cell = page.page.locator('#by-year td.ev[data-frame="empowerment"][data-key="[1998]"]')
    cell.click()
    lines = page.page.locator("#ev-lines li.ev-line")
    assert lines.count() == 3
    first = lines.first.inner_text()
    assert "Tony Blair" in first and "1998-03-01" in first
    assert lines.first.locator("mark").inner_text().lower() == "empower"
    page.screenshot(tmp_path, "report-evidence")
    page.page.fill("#ev-search", "no such words anywhere")
    assert page.page.locator("#ev-lines li.ev-line:visible").count() == 0
    assert "showing 0 of 3" in page.page.inner_text("#ev-status")
    page.page.fill("#ev-search", "")
    assert page.page.locator("#ev-lines li.ev-line:visible").count() == 3


def _trace_visibility(page: Page, chart_id: str) -> list[Any]:
    return json.loads(
        page.page.evaluate(
            f"JSON.stringify(document.getElementById('{chart_id}').data.map(t => t.visible === undefined ? true : t.visible))"
        )
    )


def test_browser_legend_toggle_hides_a_series(page: Page, tmp_path: Path) -> None:
    chart = page.page.locator("#chart-headline")
    before = _trace_visibility(page, "chart-headline")
    assert before[0] is True
    drawn = chart.locator(".scatterlayer .trace").count()
    chart.locator(".legend .traces").first.click()
    page.page.wait_for_function(
        "document.getElementById('chart-headline').data[0].visible === 'legendonly'", timeout=5_000
    )
    after = _trace_visibility(page, "chart-headline")
    assert after[0] == "legendonly" and after[1:] == before[1:]
    # Each series is drawn in the plot and in the time range slider under it.
    assert chart.locator(".scatterlayer .trace").count() == drawn - drawn // len(before)
    page.screenshot(tmp_path, "report-legend-toggled")
    chart.locator(".legend .traces").first.click()
    page.page.wait_for_function("document.getElementById('chart-headline').data[0].visible === true")


def test_browser_chart_point_opens_its_mentions(page: Page) -> None:
    # A click on a chart point opens the same mentions as the table cell (1998, empowerment).
    opened = page.page.evaluate("window.policytextReport.openEvidence('empowerment', ['year'], [1998])")
    assert opened == 3
    assert page.page.locator("#ev-lines li.ev-line").count() == 3


def test_browser_sorting_a_column(page: Page) -> None:
    table = page.page.locator("#by-speaker table")
    header = table.locator("thead th", has_text="tokens")
    header.click()
    values = [int(v.replace(",", "")) for v in table.locator("tbody tr td:nth-child(3)").all_inner_texts()]
    assert values == sorted(values)
    header.click()
    values = [int(v.replace(",", "")) for v in table.locator("tbody tr td:nth-child(3)").all_inner_texts()]
    assert values == sorted(values, reverse=True)


def _cell_count(page: Page, by: str, frame: str, value: object) -> int:
    key = json.dumps([value]).replace('"', '\\"')
    cell = page.page.locator(f'#by-{by} td.ev[data-frame="{frame}"][data-key="{key}"]')
    return int(cell.get_attribute("data-count") or "-1")


@pytest.mark.parametrize(
    ("selector", "by"),
    [
        ("#chart-headline .scatterlayer .points path", "year"),
        ("#chart-party .bars .point path", "party"),
        ("#chart-speaker .heatmaplayer image", "speaker"),
    ],
)
def test_browser_clicking_a_chart_opens_the_mentions_it_counts(page: Page, selector: str, by: str) -> None:
    # A real mouse click on a drawn point, bar or heatmap cell (plotly's click handling, not a
    # call of our function) opens the same lines as the table cell of that frame and group.
    marks = page.page.locator(selector)
    target = None
    for i in range(marks.count()):
        marks.nth(i).scroll_into_view_if_needed()
        box = marks.nth(i).bounding_box()
        if box and box["height"] >= 3:
            target = box
            break
    assert target is not None
    # The heatmap is one image: its top-left cell (first speaker, first frame).
    fraction = (1 / 16, 1 / 6) if by == "speaker" else (1 / 2, 1 / 2)
    page.page.mouse.click(
        target["x"] + target["width"] * fraction[0], target["y"] + target["height"] * fraction[1]
    )
    page.page.wait_for_selector("#evidence:not([hidden])", timeout=5_000)
    title = page.page.inner_text("#ev-title")  # "empowerment, party Conservative: 2 mentions"
    frame, rest = title.split(", ", 1)
    value_text, count_text = rest.removeprefix(f"{by} ").rsplit(": ", 1)
    count = int(count_text.split()[0])
    value: object = int(value_text) if by == "year" else value_text
    assert page.page.locator("#ev-lines li.ev-line").count() == count
    assert _cell_count(page, by, frame.replace(" ", "_"), value) == count
