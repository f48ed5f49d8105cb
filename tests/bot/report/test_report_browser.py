"""The HTML report as a browser sees it: headless Chromium loads the page from a file.

Why a real browser: "self-contained and printable" is a claim about what a browser does with the
page: the sections must be in the DOM and every chart (a data: URI) must decode into an image.
The image check runs in the page itself (a script in a test-only copy writes the result into
<body data-images-ok>), with a control image that cannot decode to prove that the check can fail.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.report import SECTION_IDS, Chart, DataSummary, Headline, StoryItem, build_report, render_html
from flows import FlowRegistry
from tests.bot.report import build_sessions

CHECK_SCRIPT = """<script>
window.addEventListener('load', function () {
  var images = Array.prototype.slice.call(document.images);
  var ok = images.length > 0 && images.every(function (img) { return img.complete && img.naturalWidth > 0; });
  document.body.dataset.imagesOk = ok ? 'yes' : 'no';
  document.body.dataset.imageCount = String(images.length);
  document.body.dataset.sections = Array.prototype.map.call(
    document.querySelectorAll('section[id]'), function (s) { return s.id; }).join(',');
  // Control: the same test on an image that cannot decode must say no, or the check proves nothing.
  var control = new Image();
  control.onerror = control.onload = function () {
    document.body.dataset.controlOk = (control.complete && control.naturalWidth > 0) ? 'yes' : 'no';
  };
  control.src = 'data:image/png;base64,bm90IGEgcG5n';
});
</script>
"""


def chromium() -> str:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.skip("Chromium not found (install Debian's package: apt-get install -y chromium)")


def start_dump(browser: str, page: Path, profile: Path, *, virtual_time: bool = False) -> subprocess.Popen:
    """Start `chromium --headless --dump-dom`; two of these run side by side to keep the test fast."""
    args = [browser, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-extensions",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}"]
    if virtual_time:
        args.append("--virtual-time-budget=2000")
    return subprocess.Popen([*args, "--dump-dom", page.as_uri()], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def dom_of(process: subprocess.Popen) -> str:
    try:
        out, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise
    assert process.returncode == 0, err[-2000:]
    return out


def tiny_chart() -> bytes:
    """A real PNG made with matplotlib (object API, no display), small enough to stay fast."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(2, 1), dpi=50)
    FigureCanvasAgg(figure)
    figure.add_subplot().barh(["Bereik", "Doelen"], [40, 68], color="#1f5f8b")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def test_report_opens_in_chromium_with_sections_and_loaded_charts(db, tmp_path):
    browser = chromium()
    registry = FlowRegistry.load()
    built = build_sessions(db, registry=registry)
    report = build_report(db, registry, built.session_id)
    report.data = DataSummary(
        period="2026-Q1", previous_period="2025-Q4",
        headlines=[Headline("Bereik", "84 bereikt, 14% van 600 mogelijke deelnemers", "+14")],
        notable=[], stories=[StoryItem("Mevrouw K. komt nu elke week naar de koffieochtend.", "Haven-Noord, Koffieochtend")],
        sources=["Bron: gegevens van de organisatie"],
        charts=[Chart(tiny_chart(), "Staafdiagram: bereik 40%, doelen behaald 68%",
                      "Bron: gegevens van de organisatie")],
    )
    page = render_html(report)
    assert "<script" not in page  # the real report has no scripts; only the test copy below does

    plain = tmp_path / "verslag.html"
    plain.write_text(page, encoding="utf-8")
    checked = tmp_path / "verslag-check.html"  # test-only copy with the in-page image check
    checked.write_text(page.replace("</body>", CHECK_SCRIPT + "</body>"), encoding="utf-8")
    plain_run = start_dump(browser, plain, tmp_path / "profile-1")
    checked_run = start_dump(browser, checked, tmp_path / "profile-2", virtual_time=True)
    dom, checked_dom = dom_of(plain_run), dom_of(checked_run)

    for section_id in SECTION_IDS:
        assert f'<section id="{section_id}">' in dom
    assert re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="Staafdiagram: bereik 40%', dom)
    assert "<figcaption>Bron: gegevens van de organisatie</figcaption>" in dom
    assert "Mevrouw K. komt nu elke week naar de koffieochtend." in dom

    assert 'data-images-ok="yes"' in checked_dom
    assert 'data-image-count="1"' in checked_dom
    assert 'data-control-ok="no"' in checked_dom  # the check really looks at the pixels
    sections = re.search(r'data-sections="([^"]*)"', checked_dom)
    assert sections and set(SECTION_IDS) <= set(sections.group(1).split(","))
