"""Screenshots of the studio for the README and docs/: the studio served on a free port with the shipped
models and the prepared corpora (`tunesmith data prepare --corpus chorales,folk`; without them the
recommendations are the library's only), driven by Playwright in Debian's Chromium.

    python scripts/studio_screenshots.py   # docs/studio.png, studio-analysis.png, studio-folk.png, listening-test.png
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(ROOT / "docs"))
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright

    from tests.web.helpers import CHROMIUM, CHROMIUM_ARGS, serving
    from tunesmith.data.cache import cache_root

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with serving(Path(tempfile.mkdtemp()), cache_root(), embed=False) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 940}, bypass_csp=True)  # waits evaluate JS
        page.set_default_timeout(180_000)
        page.goto(url)
        page.fill("#signin-name", "clara")
        page.fill("#signin-password", "a long password")
        page.click("#signin-create")
        page.wait_for_selector("body[data-ready=true]")
        # a chorale, heard as it is written; rated and kept
        page.select_option("#f-key", "D minor")
        page.select_option("#f-meter", "3/4")
        page.fill("#f-seed", "7")
        page.click("#compose")
        page.wait_for_function("document.querySelector('#piece-title').textContent.includes('seed')")
        page.keyboard.press("4")
        page.keyboard.press("k")
        page.wait_for_selector("#keep[aria-pressed=true]")
        page.click("#stop")
        page.keyboard.press("Space")
        time.sleep(3.5)
        page.screenshot(path=str(out / "studio.png"))
        page.keyboard.press("Escape")
        # the assistant's analysis of that chorale: numerals, cadences, faults marked on the score
        page.click("button[data-job=analyze]")
        page.click("#job-run")
        page.wait_for_selector("#result img.analysis-score")
        page.wait_for_function("document.querySelector('#result img.analysis-score').complete")
        page.screenshot(path=str(out / "studio-analysis.png"), full_page=True)
        # a liking for jigs: two rated from the corpus, then a jig composed from the settings offered
        jigs = page.evaluate("fetch('/api/corpus?style=irish&limit=200').then(r => r.json())")["items"]
        jigs = [j for j in jigs if j["meter"] == "6/8" and j["key"] == "D major"][:3]
        for j in jigs:
            page.evaluate(f"fetch('/api/ratings', {{method: 'PUT', headers: {{'Content-Type': 'application/json'}}, "
                          f"body: JSON.stringify({{item: '{j['item']}', stars: 5}})}})")
        page.reload()
        page.wait_for_selector("body[data-ready=true]")
        page.locator("#setting-recs li button").first.click()
        page.fill("#f-seed", "3")
        page.click("#compose")
        page.wait_for_function("document.querySelector('#piece-title').textContent.startsWith('Tune')")
        time.sleep(1.0)
        page.screenshot(path=str(out / "studio-folk.png"))
        # the listening test, one pair answered
        page.goto(url + "/listen")
        page.wait_for_selector("body[data-ready=true]")
        page.select_option("#style", "bach")
        page.click("#next")
        page.wait_for_selector("#trial:not([hidden])")
        page.click("#like-a button[data-value='4']")
        page.click("#like-b button[data-value='3']")
        page.check("#guess-b")
        page.click("#answer")
        page.wait_for_selector("#verdict.right, #verdict.wrong")
        page.screenshot(path=str(out / "listening-test.png"), full_page=True)
        browser.close()
    for name in ("studio.png", "studio-analysis.png", "studio-folk.png", "listening-test.png"):
        print(out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
