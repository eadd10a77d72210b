"""Take the README's dashboard screenshot from a running app with the demo data.

    .venv/bin/python tools/screenshot.py [--base http://127.0.0.1:8501] [--out docs/dashboard.png]

Uses Debian's Chromium (/usr/bin/chromium) through Playwright.
"""

import argparse

from playwright.sync_api import expect, sync_playwright


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8501")
    parser.add_argument("--out", default="docs/dashboard.png")
    parser.add_argument("--email", default="daniel.okafor@example.com")
    parser.add_argument("--password", default="secondlook-demo")
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_context(viewport={"width": 1400, "height": 1150}).new_page()
        page.goto(args.base + "/")
        page.get_by_role("textbox", name="Email").fill(args.email)
        page.get_by_role("textbox", name="Password").fill(args.password)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("link", name="Dashboard").click()
        expect(page.get_by_text("Panel agreement").first).to_be_visible(timeout=30000)
        expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=30000)
        page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=30000)
        page.screenshot(path=args.out)
        browser.close()


if __name__ == "__main__":
    main()
