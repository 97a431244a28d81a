"""The studio in a real browser (Debian's Chromium driven by Playwright): compose and play, upload a melody
and continue it, rate pieces and see the recommendations change, answer the listening test. One server and
one browser for the module; a new account per test."""

import itertools
import os
import re

import pytest

from .helpers import CHROMIUM, CHROMIUM_ARGS, serving

playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
if not os.path.exists(CHROMIUM):
    pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)", allow_module_level=True)

_names = itertools.count()


@pytest.fixture(scope="module")
def url(tmp_path_factory, fake_corpora):
    with serving(tmp_path_factory.mktemp("studio"), fake_corpora) as u:
        yield u


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, url):
    # the tests wait on JavaScript expressions, which the studio's own policy (no eval) would refuse;
    # test_the_studio_runs_under_its_content_security_policy checks the page under that policy
    context = browser.new_context(viewport={"width": 1440, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(120_000)  # a composition renders WAV, SVG, PNG and MusicXML: slow on a busy machine
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.fill("#signin-name", f"listener{next(_names)}")
    page.fill("#signin-password", "password1")
    page.click("#signin-create")
    page.wait_for_selector("body[data-ready=true]")
    yield page
    context.close()
    assert not errors, errors


def test_the_studio_runs_under_its_content_security_policy(browser, url):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(url)
    page.fill("#signin-name", f"strict{next(_names)}")
    page.fill("#signin-password", "password1")
    page.click("#signin-create")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#f-bars", "1")
    page.click("#compose")
    page.wait_for_selector("#piece-title:has-text('seed')", timeout=120_000)
    page.wait_for_selector("#score img")
    page.goto(url + "/listen")
    page.wait_for_selector("body[data-ready=true]")
    context.close()
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems


def test_compose_hear_it_as_it_is_written_and_play_it(page):
    page.select_option("#f-key", "D minor")
    page.select_option("#f-meter", "3/4")
    page.fill("#f-bars", "2")
    page.keyboard.press("Control+Enter")
    page.wait_for_function("document.querySelector('#piece-title').textContent.includes('seed')")
    assert page.text_content("#piece-title") == "Chorale in D minor, 3/4 (seed 0)"
    streamed = int(page.get_attribute("#roll", "data-streamed"))
    assert streamed > 0 and int(page.get_attribute("#roll", "data-notes")) == streamed  # every note heard live
    assert page.get_attribute("#audio", "src").endswith("/files/wav")
    assert page.locator("#downloads a").count() >= 5
    assert page.locator("#score img").count() == 1
    page.click("#stop")
    page.wait_for_function("!document.body.dataset.playing")
    page.keyboard.press("Space")
    page.wait_for_function("!document.querySelector('#audio').paused")
    page.keyboard.press("Space")
    page.wait_for_function("document.querySelector('#audio').paused")
    page.keyboard.press("k")
    page.wait_for_selector("#keep[aria-pressed=true]")
    page.wait_for_selector("#library li .name >> text=Chorale in D minor")
    page.click("button[data-job=analyze]")  # the assistant's analysis, shown with the faults marked
    page.click("#job-run")
    page.wait_for_selector("#result img.analysis-score")
    assert "D minor" in page.text_content("#result .analysis-text")


def test_upload_a_melody_and_continue_it(page, tmp_path):
    from tunesmith.io import write
    from tunesmith.score import KeySignature, Score, TimeSignature, Track, note_array

    melody = Score(tracks=(Track(note_array([(67 + (i % 3) * 2, i * 480, 480) for i in range(8)])),),
                   time_signatures=(TimeSignature(0, 4, 4),), key_signatures=(KeySignature(0, 7, "major"),))
    write(melody, tmp_path / "morning tune.mid")
    page.set_input_files("#upload", str(tmp_path / "morning tune.mid"))
    page.wait_for_function("document.querySelector('#piece-title').textContent === 'morning tune'")
    assert page.get_attribute("#roll", "data-notes") == "8"
    page.select_option("#f-model", "folk")
    page.fill("#f-bars", "2")
    page.click("button[data-job=continue]")
    page.click("#job-run")
    page.wait_for_function("document.querySelector('#piece-title').textContent.startsWith('morning tune, continued')")
    assert int(page.get_attribute("#roll", "data-notes")) > 8
    page.click("button[data-job=explain]")  # the knowledge tree, one click away
    page.fill("#j-query", "parallel fifths")
    page.click("#job-run")
    page.wait_for_selector("#result .analysis-text")
    assert page.text_content("#result .analysis-text").startswith("Parallel fifths")


def recommended(page) -> list[tuple[str, str]]:
    return [(li.locator(".name").text_content(), li.locator(".why").text_content())
            for li in page.locator("#recs li").all()]


def test_rating_jigs_brings_jigs(page):
    before = recommended(page)
    assert any("typical" in why for _, why in before)  # the cold start: a typical piece of each style
    for _ in range(2):
        jig = page.locator("#recs li .name", has_text=re.compile(r"^Jig")).first
        name = jig.text_content()
        jig.click()
        page.wait_for_function(f"document.querySelector('#piece-title').textContent === '{name}'")
        page.keyboard.press("5")
        page.wait_for_selector("#stars button.lit >> nth=4")
        page.wait_for_function("document.querySelector('#recs li') && document.querySelector('#recs li .why')"
                               ".textContent.indexOf('typical') < 0")
    page.wait_for_function("document.querySelector('#recs li .why').textContent.includes('two jigs in D major')")
    after = recommended(page)
    assert after != before
    assert all(name.startswith("Jig") for name, _ in after[:3])
    assert after[0][1] == "because you rated two jigs in D major highly"
    settings = page.locator("#setting-recs li .name").first.text_content()
    assert settings.startswith("Irish jig, D major, 6/8")


def test_the_listening_test_stores_scripted_answers(page, url):
    page.goto(url + "/listen")
    page.wait_for_selector("body[data-ready=true]")
    answers = []
    for guess, like_a, like_b in (("a", 4, 2), ("b", 3, 5)):
        page.select_option("#style", "irish")
        page.click("#next")
        page.wait_for_selector("#trial:not([hidden])")
        page.wait_for_function("document.querySelector('#roll-a').dataset.notes > 0")
        page.click("#play-a")
        page.click("#play-b")
        page.click(f"#like-a button[data-value='{like_a}']")
        page.click(f"#like-b button[data-value='{like_b}']")
        page.check(f"#guess-{guess}")
        page.click("#answer")
        page.wait_for_selector("#verdict.right, #verdict.wrong")
        answers.append(page.get_attribute("#verdict", "class").endswith("right"))
    assert page.text_content("#tally") == f"You told the machine in {sum(answers)} of 2 pairs this session."
    report = page.evaluate("fetch('/api/listening/report').then(r => r.json())")
    (row,) = report["models"]
    assert (row["model"], row["style"], row["trials"], row["identified"]) == ("folk", "irish", 2, sum(answers))
    assert page.locator("#report tr").count() == 2
