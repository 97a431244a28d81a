"""The studio in a real browser (Debian's Chromium driven by Playwright): compose and play, upload a melody
and continue it or harmonize it, analyze and check a passage with its faults marked on the score, rate pieces
and see the recommendations change, answer the listening test. One server and one browser for the module; a
new account per test."""

import io
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


def upload(page, path, title: str) -> None:
    page.set_input_files("#upload", str(path))
    page.wait_for_function(f"document.querySelector('#piece-title').textContent === '{title}'")


def test_upload_a_melody_and_harmonize_it(page, tmp_path):
    from tunesmith.io import write
    from tunesmith.score import KeySignature, Score, TimeSignature, Track, note_array

    # two bars in C major that begin and end on the tonic triad, in the soprano's range
    tune = [(76, 0, 480), (74, 480, 480), (72, 960, 480), (74, 1440, 480), (76, 1920, 480), (74, 2400, 480),
            (72, 2880, 960)]
    melody = Score(tracks=(Track(note_array(tune)),), time_signatures=(TimeSignature(0, 4, 4),),
                   key_signatures=(KeySignature(0, 0, "major"),))
    write(melody, tmp_path / "evening hymn.musicxml")
    upload(page, tmp_path / "evening hymn.musicxml", "evening hymn")
    assert page.get_attribute("#roll", "data-notes") == "7"
    page.click("button[data-job=harmonize]")
    # each form lists the models of the kinds its job takes: compose no harmonizer, harmonize no melody model
    jobs = {j["name"]: j for j in page.evaluate("fetch('/api/jobs').then(r => r.json())")}
    options = "(s) => [...document.querySelectorAll(s + ' option')].map((o) => o.value)"
    compose_models, harmonize_models = jobs["compose"]["models"], jobs["harmonize"]["models"]
    assert page.evaluate(options, "#f-model") == compose_models and "harmonizer" not in compose_models
    assert page.evaluate(options, "#j-model") == harmonize_models and "folk" not in harmonize_models
    # the chorale Transformer, named: it harmonizes whether or not the seq2seq harmonizer has shipped
    page.select_option("#j-model", "chorales")
    page.click("#job-run")
    page.wait_for_function("document.querySelector('#piece-title').textContent.startsWith('evening hymn, harmonized')")
    assert "model chorales" in page.text_content("#piece-meta")
    assert int(page.get_attribute("#roll", "data-notes")) > 7  # the lower voices drawn with the melody
    src = page.get_attribute("#audio", "src")
    assert src.endswith("/files/wav")
    page.wait_for_function("(document.querySelector('#score img') || {}).naturalWidth > 0")  # engraved, loaded
    piece = re.search(r"/api/pieces/(\d+)/", src).group(1)
    score = page.evaluate(f"fetch('/api/pieces/{piece}/files/score').then(r => r.json())")
    parts = [[tuple(n[:3]) for n in t["notes"]] for t in score["tracks"] if t["notes"]]
    assert len(parts) == 4 and all(len(p) >= 2 for p in parts)
    assert parts[0] == tune  # the melody is the soprano, note for note
    page.click("#play")
    page.wait_for_function("!document.querySelector('#audio').paused")


def red_pixels(png: bytes) -> int:
    """Pixels of the fault colour (annotate.FAULT_COLOUR, #d0021b) in a screenshot, give or take smoothing."""
    import numpy as np
    from PIL import Image

    r, g, b = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int).transpose(2, 0, 1)
    return int(((r > 170) & (g < 70) & (b < 90)).sum())


def test_analyze_and_check_mark_the_faults_on_the_score(page, tmp_path):
    from tunesmith.io import write
    from tunesmith.score import KeySignature, Score, TimeSignature, Track, note_array

    # I ii V I in C major, half notes; tenor and bass go C-G to D-A: parallel fifths on beat 3 of bar 1
    voices = [[72, 69, 71, 72], [64, 65, 67, 67], [55, 57, 62, 64], [48, 50, 43, 48]]
    exercise = Score(tracks=tuple(Track(note_array([(p, i * 960, 960) for i, p in enumerate(v)])) for v in voices),
                     time_signatures=(TimeSignature(0, 4, 4),), key_signatures=(KeySignature(0, 0, "major"),))
    write(exercise, tmp_path / "exercise 3.mid")
    upload(page, tmp_path / "exercise 3.mid", "exercise 3")
    score = "#result img.analysis-score"
    shown = f"(document.querySelector('{score}') || {{}}).naturalWidth > 0"

    page.click("button[data-job=analyze]")
    page.click("#job-run")
    page.wait_for_function(shown)
    report = page.text_content("#result .analysis-text")
    assert "C major" in report and re.search(r"parallel fifths\s+tenor/bass", report)
    svg = page.evaluate(f"fetch(document.querySelector('{score}').src).then(r => r.text())")
    assert svg.count("#d0021b") >= 3 and ">P5<" in svg  # both notes of the fifth and the label, in red
    assert red_pixels(page.locator(score).screenshot()) > 20  # and drawn where the user sees the score

    page.click("button[data-job=check]")  # the same fault explained from the knowledge tree, with a fix
    page.select_option("#j-rules", "parallels")
    page.click("#job-run")
    page.wait_for_function("document.querySelector('#result .analysis-text') && "
                           "document.querySelector('#result .analysis-text').textContent.includes('why:')")
    feedback = page.text_content("#result .analysis-text")
    assert feedback.startswith("1 fault by the parallels rules:")
    assert "bar 1, beat 3 — parallel fifths (tenor, bass)" in feedback
    assert "why: the tenor and bass move in the same direction from a perfect fifth to another" in feedback
    assert "(tunesmith explain voice-leading/parallel-fifths)" in feedback and "fix: move the tenor" in feedback
    page.wait_for_function(shown)
    assert red_pixels(page.locator(score).screenshot()) > 20


def test_vary_shows_the_piano_rolls_and_every_file(page, tmp_path, debug_vae):
    """The page draws a latent job's result: the piano rolls side by side, a row of figures and a MIDI link per
    piece, every file. The API runs shipped models only (test_jobs.py checks its side), so the run is answered
    here with what the runs API would show of a real run on the debug VAE."""
    import json

    from tests.latent.test_jobs import tune
    from tunesmith.web.jobs import get

    melody = tune(tmp_path / "walk.mid", [60, 62, 64, 65, 67, 69, 71, 72])
    upload(page, melody, "walk")
    params = {"pieces": [1], "model": str(debug_vae[0]), "amount": 0.5, "n": 3, "attribute": None, "strength": 1.0,
              "bars": None}
    result = get("vary").run(params, [melody], tmp_path / "run", lambda event: None)
    folder = dict(result["files"])
    result["files"] = {name: f"/api/runs/r1/files/{name}" for name in result["files"]}  # as the store links them
    done = json.dumps({"type": "done", "result": result, "error": None})
    posted = []
    page.route("**/api/jobs/vary", lambda route: posted.append(route.request.post_data_json) or route.fulfill(
        status=202, json={"run": "r1", "status": "queued", "events": "/api/runs/r1/events", "url": "/api/runs/r1"}))
    page.route("**/api/runs/r1/events", lambda route: route.fulfill(
        content_type="text/event-stream", body=f"event: done\ndata: {done}\n\n"))
    page.route("**/api/runs/r1/files/*", lambda route: route.fulfill(path=folder[route.request.url.rsplit("/", 1)[1]]))

    page.click("button[data-job=vary]")
    jobs = {j["name"]: j for j in page.evaluate("fetch('/api/jobs').then(r => r.json())")}
    # the form starts on vary's own VAE where it has shipped, else on "default" (no model it takes has shipped)
    assert page.input_value("#j-model") == (jobs["vary"]["default_model"] or "default")
    page.click("#job-run")
    page.wait_for_function("(document.querySelector('#result img.rolls') || {}).naturalWidth > 0")
    assert posted[0]["pieces"] == [page.evaluate("fetch('/api/pieces').then(r => r.json())")["pieces"][0]["id"]]
    assert page.text_content("#result h3") == f"Vary ({debug_vae[0].name})"
    assert page.locator("#result tr").count() == 1 + 4  # the reconstruction and three variations
    links = page.locator("#result .downloads a")
    assert [links.nth(i).text_content() for i in range(links.count())] == list(folder)
    midi = page.locator("#result td a").first.get_attribute("href")
    assert page.evaluate(f"fetch('{midi}').then(r => r.arrayBuffer()).then(b => b.byteLength)") > 14


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
