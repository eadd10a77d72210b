"""A recruiter seated on an unsubmitted panel downloads the candidate-data JSON in a real
browser: it holds their own draft and nothing of the colleagues' cards."""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    REX_DRAFT_NOTE,
    REX_OWN_NOTE,
    REX_SUBMITTED_NOTE,
    idle,
    log_in_as,
)
from tests.browser.test_browser import DESKTOP

pytestmark = pytest.mark.browser



@pytest.mark.browser_context_args(viewport=DESKTOP, accept_downloads=True)
def test_a_seated_recruiter_downloads_no_colleagues_notes(page, app_url, world, tmp_path):
    page.goto(f"{app_url}/privacy?position={world['analyst'].id}")
    log_in_as(page, "rita@example.com", world["password"])
    expect(page.get_by_role("heading", name="Candidate data")).to_be_visible()
    idle(page)
    page.get_by_role("button", name="Prepare the export").click()
    download_button = page.get_by_role("button", name="Download JSON")
    expect(download_button).to_be_visible()
    expect(page.get_by_text("blind scoring")).to_be_visible()
    with page.expect_download(timeout=60_000) as info:
        download_button.click()
    path = tmp_path / "candidate.json"
    info.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["candidate"]["name"] == world["rex"].name
    assert REX_OWN_NOTE in text  # the download is the real export: her own draft is in it
    assert REX_SUBMITTED_NOTE not in text and REX_DRAFT_NOTE not in text
    recommendations = {c["recommendation"] for iv in data["interviews"]
                       for c in iv["scorecards"]}
    assert recommendations == {"yes"}
