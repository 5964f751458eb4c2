"""The review page in headless Chromium (Selenium, Debian's chromium and chromium-driver): the keys move, a decision
is saved through the form, no student script runs; skipped where the browser or its driver is absent."""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from grader import cli
from grader.serve.app import create_app
from serve_support import REPO

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(CHROMIUM is None or DRIVER is None,
                                reason="Debian's chromium and chromium-driver are not installed")
SCREENSHOT = os.environ.get("REVIEW_SCREENSHOT")  # set to docs/img/review-page.png to refresh the docs' picture


@pytest.fixture
def url(graded: Path) -> Iterator[str]:
    """The page served on 127.0.0.1 on a free port, stopped after the test."""
    from werkzeug.serving import make_server

    app = create_app(graded, str(REPO))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/{app.config['REVIEW_TOKEN']}/"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[object]:
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM or "chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1400,1000",
                 f"--user-data-dir={tmp_path / 'profile'}"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(options=opts, service=Service(executable_path=DRIVER))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def entry_href(driver: object, student: str, question: str) -> str:
    from selenium.webdriver.common.by import By

    for a in driver.find_elements(By.CSS_SELECTOR, "#queue a"):  # type: ignore[attr-defined]
        if (a.find_element(By.CLASS_NAME, "who").text, a.find_element(By.CLASS_NAME, "q").text) == (student, question):
            return str(a.get_attribute("href"))
    raise AssertionError(f"{student} {question} is not in the queue")


def press(driver: object, key: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(key).perform()


def test_keys_a_decision_and_no_student_script(browser: object, url: str, graded: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    d = browser
    d.get(url + "?question=1.3")  # type: ignore[attr-defined]
    hrefs = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, "#queue a")]  # type: ignore
    assert len(hrefs) == 3
    # a save reloads the page: an element read while it is replaced is stale, which the wait must ride out
    wait = WebDriverWait(d, 20, ignored_exceptions=(StaleElementReferenceException,))
    press(d, "j")  # the page's own script, allowed by its CSP, moves on
    wait.until(lambda drv: drv.current_url == hrefs[1])
    press(d, Keys.ARROW_UP)
    wait.until(lambda drv: drv.current_url == hrefs[0])
    press(d, "n")  # nothing is decided yet: the next undecided is the next one
    wait.until(lambda drv: drv.current_url == hrefs[1])

    # the hostile answer: shown, and nothing of it runs
    d.get(entry_href(d, "hostile", "1.3"))  # type: ignore[attr-defined]
    with pytest.raises(NoAlertPresentException):
        d.switch_to.alert.text  # type: ignore[attr-defined]  # noqa: B018
    answer = d.find_element(By.ID, "answer").text  # type: ignore[attr-defined]
    assert '<script>alert("x")</script>' in answer and "\\u202e" in answer
    assert d.find_elements(By.CSS_SELECTOR, "#answer math mfrac")  # type: ignore[attr-defined]

    # a decision on a question with a false step, typed as a TA would
    d.get(url)  # type: ignore[attr-defined]
    d.get(entry_href(d, "flawed", "3.1"))  # type: ignore[attr-defined]
    assert d.find_elements(By.CSS_SELECTOR, "ol.answer li.flagged")  # type: ignore[attr-defined]
    press(d, "s")
    assert d.switch_to.active_element.get_attribute("id") == "score"  # type: ignore[attr-defined]
    d.switch_to.active_element.send_keys("1.5")  # type: ignore[attr-defined]
    d.find_element(By.ID, "note").send_keys(  # type: ignore[attr-defined]
        "update right; lambda = 2*eta*gamma is off by the factor eta")
    d.find_element(By.ID, "save").click()  # type: ignore[attr-defined]
    try:
        wait.until(lambda drv: "override: flawed 3.1 = 1.5" in drv.find_element(By.TAG_NAME, "body").text)
    except Exception:
        print("BODY", d.current_url, d.find_element(By.TAG_NAME, "body").text[:800])
        raise

    capsys.readouterr()
    assert cli.main(["review", str(graded), "--json"]) == 0
    assert ("flawed", "3.1") not in {(i["student"], i["question"]) for i in json.loads(capsys.readouterr().out)}
    doc = json.loads((graded / "results.json").read_text(encoding="utf-8"))
    q = next(q for s in doc["submissions"] if s["student"] == "flawed" for q in s["questions"] if q["id"] == "3.1")
    assert q["score"] == 1.5 and q["details"]["override"]["note"].startswith("update right")

    d.get(entry_href(d, "flawed", "3.1"))  # type: ignore[attr-defined]
    assert "TA decision: 1.5" in d.find_element(By.ID, "decision").text  # type: ignore[attr-defined]
    png = tmp_path / "review-page.png"
    assert d.save_screenshot(str(png))  # type: ignore[attr-defined]
    assert png.stat().st_size > 20_000  # text, math and colours, not a blank page
    if SCREENSHOT:
        shutil.copyfile(png, SCREENSHOT)
