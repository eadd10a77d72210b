"""The hiring manager downloads the PDF debrief pack in a real browser, and it renders."""

import subprocess

import pytest
from PIL import Image, ImageStat
from playwright.sync_api import expect

from tests.browser.conftest import idle, log_in_as
from tests.browser.test_browser import DESKTOP
from tests.conftest import require_tool

pytestmark = pytest.mark.browser
# The note under the PDF button, drawn as CSS content after the button's container.
NOTE_SHOWN = """text => getComputedStyle(
    document.querySelector('.st-key-exp_pdf_download'), '::after').content.includes(text)"""


@pytest.mark.browser_context_args(viewport=DESKTOP, accept_downloads=True)
def test_manager_downloads_the_pdf_pack_and_page_one_renders(page, app_url, world, tmp_path):
    require_tool("pdftoppm", "poppler-utils")
    page.goto(app_url)
    log_in_as(page, "hana@example.com", world["password"])
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.get_by_role("link", name="Exports").click()
    expect(page.get_by_role("heading", name="Exports")).to_be_visible()
    idle(page)
    download_button = page.get_by_role("button", name="Download the PDF pack")
    expect(download_button).to_be_visible()
    with page.expect_download(timeout=60_000) as info:
        download_button.click()
        # While the server builds the pack the page says so, in words (ui.widgets
        # .while_building), not only with the button's small spinner.
        page.wait_for_function(NOTE_SHOWN, arg="Building the PDF pack", timeout=30_000)
    download = info.value
    page.wait_for_function(f"text => !({NOTE_SHOWN})(text)", arg="Building the PDF pack")
    assert download.suggested_filename.endswith("-debrief.pdf")
    pdf = tmp_path / "pack.pdf"
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=60)
    [png] = list(tmp_path.glob("page*.png"))
    image = Image.open(png).convert("L")
    assert image.width > 300 and image.height > 400  # A4 at 50 dpi is about 413 x 585
    # Not blank: a real share of the page is ink (title, table, text), not only paper.
    dark = sum(image.histogram()[:200])
    assert dark / (image.width * image.height) > 0.005
    assert ImageStat.Stat(image).stddev[0] > 10
