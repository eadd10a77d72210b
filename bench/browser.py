"""The browser section of `make bench`: where people wait, as a ratio to Streamlit's own floor.

Playwright drives Debian's Chromium (/usr/bin/chromium) against `streamlit run app.py` on a
database, and in the same run against a bare Streamlit page with one button (the floor). Each
action is timed in the page, from the pointer going down to "settled": Streamlit's script state
back to notRunning after a run (the status widget gone) and the element the action should show
rendered. Every action is repeated (median of ROUNDS, at least 8) and reported as a ratio to the
floor's median, measured interleaved with the app's clicks so both see the same machine load.

Actions (targets are ratios to the floor):
  log_in          the login form's button to the start page's heading             (no target)
  dashboard_open  the menu link "Dashboard" to the ranking table, from Calibration    <= 3
  candidate       another candidate in the dashboard's picker to its headline      <= 2.5
  tab             a dashboard tab to its first element                             <= 2.5
  field_save      one score on a scorecard, saved                                   <= 1.5
  submit          "Submit scorecard" to the confirmation                              <= 3

Databases: the demo set (`seed-demo`; its hiring manager's largest position) and the synthetic
history bench/generate.py builds (its first position has 200 candidates), at the size given
(1 million scores by default). Run: `python bench/browser.py [--scores N] [--demo-only]`.
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/browser.py` puts bench/, not the root, on the path
    sys.path.insert(0, str(ROOT))

from tools.app_server import WATCH_RUNS, app_server, chromium_launch_args  # noqa: E402 (after the path)

ROUNDS = int(os.environ.get("BENCH_ROUNDS", 8))
TARGETS = {"dashboard_open": 3.0, "candidate": 2.5, "tab": 2.5, "field_save": 1.5,
           "submit": 3.0}
ACTIONS = ("log_in", "dashboard_open", "candidate", "tab", "field_save", "submit")
DESKTOP = {"width": 1280, "height": 900}
TIMEOUT_MS = int(os.environ.get("BENCH_TIMEOUT_MS", 120_000))
# Part of the actions only, while working on one page: "dashboard" or "scorecard".
ONLY = os.environ.get("BENCH_ONLY", "")
BENCH_PASSWORD = "benchmark only, never a login"  # bench/generate.py's accounts

FLOOR_APP = '''import streamlit as st

n = st.session_state.get("n", 0)
if st.button("Click", key="floor"):
    n = st.session_state["n"] = n + 1
st.markdown(f"clicked {n}")
'''

# Armed before a click: resolves with the milliseconds from the pointer going down until the
# script run it started has finished (when `run`) and `selector` (with `text`) is in the page.
ARM = """([selector, text, run, timeout]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const state = () => app.getAttribute('data-test-script-state');
  const before = window.__runsDone;
  let t0 = null;
  document.addEventListener('pointerdown', () => { if (t0 === null) t0 = performance.now(); },
                            {capture: true, once: true});
  const present = () => {
    if (!selector) return true;
    for (const el of document.querySelectorAll(selector)) {
      if (el.getClientRects().length && (!text || el.textContent.includes(text))) return true;
    }
    return false;
  };
  window.__settled = new Promise((resolve, reject) => {
    const started = performance.now();
    const tick = setInterval(() => {
      const ran = !run || window.__runsDone > before;
      if (t0 !== null && ran && state() !== 'running' && present()) {
        clearInterval(tick); resolve(performance.now() - t0);
      } else if (performance.now() - started > timeout) {
        clearInterval(tick);
        reject(new Error(`not settled: clicked ${t0 !== null}, ran ${ran}, ` +
                         `state ${state()}, ${selector} shown ${present()}`));
      }
    }, 4);
  });
}"""


def new_context(browser):
    """A desktop browser context whose pages count finished script runs (WATCH_RUNS)."""
    ctx = browser.new_context(viewport=DESKTOP)
    ctx.add_init_script(WATCH_RUNS)
    return ctx


def settled(page) -> None:
    """Wait until no script run is going on."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=TIMEOUT_MS)


def timed(page, locator, selector: str | None, text: str | None = None, *,
          run: bool = True) -> float:
    """Milliseconds from clicking `locator` until settled with `selector` shown."""
    settled(page)
    page.evaluate(ARM, [selector, text, run, TIMEOUT_MS])
    locator.click()
    return float(page.evaluate("window.__settled"))


class Floor:
    """The bare one-button page, kept open beside the app so it is timed in the same run."""

    def __init__(self, browser, base: str):
        self.page = new_context(browser).new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.goto(base)
        self.page.get_by_role("button", name="Click").wait_for()
        settled(self.page)
        self.n = 0
        self.times: list[float] = []

    def click(self) -> None:
        self.n += 1
        self.times.append(timed(self.page, self.page.get_by_role("button", name="Click"),
                                "[data-testid=stMarkdownContainer]", f"clicked {self.n}"))


def say(times: dict[str, list[float]], action: str) -> None:
    """One line when an action's rounds are done (a long run shows where it is)."""
    got = times[action]
    if got:
        print(f"  {action}: median {statistics.median(got):.0f} ms of {len(got)}",
              file=sys.stderr, flush=True)


def log_in(page, base: str, email: str, password: str, path: str = "") -> None:
    page.goto(base + path)
    page.get_by_role("textbox", name="Password").wait_for()
    settled(page)
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)


def measure_app(browser, base: str, floor: Floor, plan: dict) -> dict[str, list[float]]:
    """Every action ROUNDS times, each round followed by one floor click."""
    times: dict[str, list[float]] = {a: [] for a in ACTIONS}
    if ONLY != "scorecard":
        _measure_manager(browser, base, floor, plan, times)
    if ONLY != "dashboard":
        _measure_panelists(browser, base, floor, plan, times)
    return times


def _measure_manager(browser, base: str, floor: Floor, plan: dict,
                     times: dict[str, list[float]]) -> None:
    """Log in, dashboard open, candidate switch, tab switch."""

    # Log in: a fresh context per round (a home-made login lasts the browser session).
    for _ in range(ROUNDS):
        ctx = new_context(browser)
        page = ctx.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        log_in(page, base, plan["manager_email"], plan["password"])
        times["log_in"].append(timed(page, page.get_by_role("button", name="Log in"),
                                     "h1", "Dashboard"))
        ctx.close()
        floor.click()
    say(times, "log_in")

    ctx = new_context(browser)
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    log_in(page, base, plan["manager_email"], plan["password"])
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Dashboard").wait_for()
    page.wait_for_url("**/dashboard**")  # the root forwards to the start page after login
    settled(page)
    position = plan["position_title"]
    _choose(page, "position", position)
    for _ in range(ROUNDS):
        page.get_by_role("link", name="Calibration").click()
        page.get_by_role("heading", name="Calibration").wait_for()
        settled(page)
        times["dashboard_open"].append(timed(
            page, page.get_by_role("link", name="Dashboard"), ".st-key-headline_position"))
        floor.click()
    say(times, "dashboard_open")
    _choose(page, "position", position)
    page.get_by_role("tab", name="Candidate").click()
    for k in range(ROUNDS):
        name = plan["candidates"][k % len(plan["candidates"])]
        cid = plan["candidate_ids"][name]
        page.locator(".st-key-dash_candidate").click()
        page.keyboard.type(name)  # the option list is virtual: filter it to the one wanted
        option = page.get_by_role("option", name=name).first  # "Name" or "Name · Position"
        times["candidate"].append(timed(page, option, f".st-key-headline_{cid}"))
        floor.click()
    say(times, "candidate")
    for k in range(ROUNDS):
        to, seen = (("Compare", ".st-key-compare_ids") if k % 2 == 0
                    else ("Candidate", ".st-key-dash_candidate"))
        times["tab"].append(timed(page, page.get_by_role("tab", name=to), seen, run=False))
        floor.click()
    say(times, "tab")
    ctx.close()


def _measure_panelists(browser, base: str, floor: Floor, plan: dict,
                       times: dict[str, list[float]]) -> None:
    """Field save and submit."""

    # Scorecards: each panelist opens the first card's link and logs in there (a new page load
    # is a new session, so the deep link is the way in), saves fields on one draft, then
    # submits complete ones, reaching each through the page's interview picker.
    saves_done = False
    for email, interview_ids, field in plan["panelists"]:
        ctx = new_context(browser)
        page = ctx.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        first = field[0] if field and not saves_done else interview_ids[0]
        log_in(page, base, email, plan["password"], f"/scorecard?interview={first}")
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("button", name="Submit scorecard").wait_for()
        settled(page)
        if field and not saves_done:
            iid, crit, values = field
            group = page.locator(f".st-key-sc_score_{iid}_{crit}")
            group.wait_for()
            for k in range(ROUNDS):
                value = str(values[k % 2])
                target = group.get_by_text(value, exact=True).first
                times["field_save"].append(timed(page, target, None))
                floor.click()
            saves_done = True
            say(times, "field_save")
        for iid in interview_ids:
            if len(times["submit"]) >= ROUNDS:
                break
            _pick_interview(page, iid, plan["interview_candidates"][iid])
            button = page.get_by_role("button", name="Submit scorecard")
            button.wait_for()
            settled(page)
            times["submit"].append(timed(page, button, ".st-key-sc_submitted"))
            floor.click()
        ctx.close()
    say(times, "submit")


def _pick_interview(page, interview_id: int, candidate: str) -> None:
    """Choose an interview in the scorecard page's picker (untimed set-up)."""
    box = page.locator(".st-key-scorecard_interview")
    box.wait_for()
    if f"interview={interview_id}" in page.url:
        return
    box.click()
    page.keyboard.type(candidate)  # the option list is virtual: filter it
    named = re.compile(rf"^{re.escape(candidate)}( ·[^(]*)? \(")  # "Name (when, status)"
    page.get_by_role("option", name=named).first.click()
    page.wait_for_url(f"**interview={interview_id}")
    page.locator(f"[class*=\"st-key-sc_score_{interview_id}_\"]").first.wait_for()
    settled(page)


def _choose(page, key: str, option: str) -> None:
    """Pick an option of a keyed selectbox (untimed set-up)."""
    box = page.locator(f".st-key-{key}")
    box.wait_for()
    if option in (box.text_content() or ""):
        return
    box.get_by_role("combobox").click()  # the box itself: the container's centre may miss it
    page.get_by_role("listbox").wait_for()  # typed before the list opens, the filter is lost
    page.keyboard.type(option)  # the option list is virtual: filter it
    page.get_by_role("option", name=option, exact=True).click()
    settled(page)


# --- databases --------------------------------------------------------------------------------


def _complete_drafts(url: str, drafts: list[tuple[int, int]]) -> None:
    """Fill every criterion and the recommendation of these (card, panelist) drafts."""
    from services import scorecards
    from services.auth import get_viewer
    from services.db import session_scope

    for card_id, panelist_id in drafts:
        with session_scope(url) as s:
            card = s.get(scorecards.Scorecard, card_id)
            panelist = get_viewer(s, panelist_id)
            kit = scorecards.open_scorecard(s, panelist, card.interview_id)
            lo, hi = kit.template.scale_min, kit.template.scale_max
            for crit in kit.criteria:
                done = kit.scores.get(crit.id)
                if done is not None and (done.value is not None or done.not_assessed):
                    continue
                scorecards.save_score(s, panelist, card_id, {
                    "criterion_id": crit.id, "value": (lo + hi) // 2, "not_assessed": False,
                    "evidence": "Explained the trade-offs of two designs."})
            scorecards.save_fields(s, panelist, card_id, {"recommendation": "yes"})


def _plan(url: str, manager_id: int, position_id: int, password: str,
          drafts: list[tuple[int, int]]) -> dict:
    """Who logs in, which position and candidates, which drafts are saved and submitted."""
    from sqlmodel import select

    from models import Candidate, Criterion, Interview, Position, Scorecard, User
    from services.db import session_scope

    with session_scope(url) as s:
        manager = s.get(User, manager_id)
        position = s.get(Position, position_id)
        cands = s.exec(select(Candidate).where(Candidate.position_id == position_id)
                       .order_by(Candidate.id)).all()
        field_card = s.get(Scorecard, drafts[0][0])
        crit = s.exec(select(Criterion).where(Criterion.template_id == field_card.template_id)
                      .order_by(Criterion.id)).first()
        panelists = [[s.get(User, drafts[0][1]).email, [],
                      (field_card.interview_id, crit.id, (2, 3))]]
        interview_candidates = {}
        for card_id, panelist_id in drafts[1:]:
            email = s.get(User, panelist_id).email
            if panelists[-1][0] != email:
                panelists.append([email, [], None])
            interview = s.get(Interview, s.get(Scorecard, card_id).interview_id)
            panelists[-1][1].append(interview.id)
            interview_candidates[interview.id] = s.get(Candidate, interview.candidate_id).name
        # Only candidates with a submitted scorecard have a panel view (and a headline).
        scored = set(s.exec(select(Interview.candidate_id).join(
            Scorecard, Scorecard.interview_id == Interview.id)
            .where(Scorecard.status == "submitted")).all())
    names = [c.name for c in cands if c.id in scored][:ROUNDS + 1]
    return {"manager_email": manager.email, "password": password,
            "position_title": position.title, "n_candidates": len(cands),
            "candidates": names, "candidate_ids": {c.name: c.id for c in cands},
            "panelists": panelists, "interview_candidates": interview_candidates}


def build_demo(tmp: Path) -> tuple[str, dict]:
    """The demo set in a fresh SQLite file; its first hiring manager's largest position, and
    ROUNDS interviews of that position for one demo panelist, filled but not submitted."""
    from datetime import timedelta

    from sqlmodel import func, select

    from models import Candidate, Position, Role, User, UserRole
    from services import scorecards
    from services.access import OPERATOR
    from services.auth import viewer_for
    from services.candidates import create_candidate
    from services.db import migrate, session_scope
    from services.demo import load_demo, read_demo
    from services.interviews import schedule_interview

    url = f"sqlite:///{tmp / 'demo.db'}"
    migrate(url)
    with session_scope(url) as s:
        load_demo(s)
    password = read_demo()["password"]
    with session_scope(url) as s:
        manager = s.exec(select(User).join(UserRole, UserRole.user_id == User.id)
                         .where(UserRole.role == Role.hiring_manager).order_by(User.id)).first()
        position_id = s.exec(
            select(Position.id).join(Candidate, Candidate.position_id == Position.id)
            .where(Position.hiring_manager_id == manager.id).group_by(Position.id)
            .order_by(func.count(Candidate.id).desc())).first()
        panelist, colleague = s.exec(
            select(User).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.panelist, User.id != manager.id)
            .order_by(User.id)).all()[:2]
        drafts = []
        for k in range(ROUNDS + 1):
            cand = create_candidate(s, OPERATOR, {
                "name": f"Bench Candidate {k + 1}", "email": f"bench{k + 1}@example.com",
                "position_id": position_id, "salary_expectation": 60000})
            iv = schedule_interview(s, OPERATOR, {
                "candidate_id": cand.id, "scheduled_at": datetime.now(UTC) - timedelta(days=1),
                "setting": "office", "panel": [
                    {"user_id": u.id, "panel_role": "colleague"} for u in (panelist, colleague)]})
            kit = scorecards.open_scorecard(s, viewer_for(s, panelist), iv.id)
            drafts.append((kit.scorecard.id, panelist.id))
        manager_id = manager.id
    _complete_drafts(url, drafts[1:])
    return url, _plan(url, manager_id, position_id, password, drafts)


def run_browser(databases: list[tuple[str, str, dict]], tmp: Path) -> list[dict]:
    """Measure every database; returns one result row per database and action."""
    from playwright.sync_api import sync_playwright

    floor_script = tmp / "floor_app.py"
    floor_script.write_text(FLOOR_APP)
    results = []
    with (app_server(None, tmp / "floor.log", script=floor_script, cwd=tmp) as floor_base,
          sync_playwright() as pw):
        browser = pw.chromium.launch(**chromium_launch_args())
        for label, url, plan in databases:
            with app_server(url, tmp / f"app-{label}.log") as base:
                warm = browser.new_page()  # the first run imports everything: not timed
                warm.goto(base)
                warm.get_by_role("textbox", name="Password").wait_for(timeout=180_000)
                warm.close()
                floor = Floor(browser, floor_base)
                for _ in range(3):  # warm the floor's server and page
                    floor.click()
                floor.times.clear()
                times = measure_app(browser, base, floor, plan)
            floor_ms = statistics.median(floor.times)
            for action in ACTIONS:
                got = times[action]
                median = statistics.median(got) if got else float("nan")
                ratio = median / floor_ms if got else float("nan")
                target = TARGETS.get(action)
                results.append({
                    "section": "browser", "database": label, "action": action,
                    "n": len(got), "median_ms": round(median, 1),
                    "floor_ms": round(floor_ms, 1), "ratio": round(ratio, 2),
                    "target": target,
                    "met": None if target is None else bool(got) and ratio <= target,
                    "candidates": plan["n_candidates"],
                })
        browser.close()
    return results


def print_table(rows: list[dict]) -> None:
    print(f"{'database':<12}{'action':<16}{'n':>3}{'median_ms':>11}{'floor_ms':>10}"
          f"{'ratio':>7}{'target':>8}  met")
    for r in rows:
        target = "" if r["target"] is None else f"<={r['target']:g}"
        met = "" if r["met"] is None else ("yes" if r["met"] else "NO")
        print(f"{r['database']:<12}{r['action']:<16}{r['n']:>3}{r['median_ms']:>11.0f}"
              f"{r['floor_ms']:>10.0f}{r['ratio']:>7.2f}{target:>8}  {met}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scores", type=int, default=1_000_000,
                        help="scores in the synthetic database (default 1,000,000)")
    parser.add_argument("--demo-only", action="store_true")
    parser.add_argument("--build-only", action="store_true",
                        help="only build the synthetic database into the cache")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results.json")
    args = parser.parse_args(argv)
    if args.build_only:
        generated_db(args.scores)
        return 0
    rows = browser_section(scores=None if args.demo_only else args.scores)
    merge_results(args.out, rows)
    return 0 if all(r["met"] is not False for r in rows) else 1


def merge_results(out: Path, rows: list[dict]) -> None:
    """Add the browser rows to bench-results.json (other sections' rows are kept)."""
    try:
        existing = json.loads(out.read_text())
    except (OSError, ValueError):
        existing = []
    kept = [r for r in existing if not (isinstance(r, dict) and r.get("section") == "browser")]
    out.write_text(json.dumps(kept + rows, indent=2) + "\n")
    print(f"browser figures written to {out}")


def browser_section(scores: int | None) -> list[dict]:
    """Build the databases, measure them, print the table; the result rows."""
    print(f"Browser section on {platform.node()}: {os.cpu_count()} CPUs, load "
          f"{os.getloadavg()[0]:.1f}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="secondlook-bench-browser-") as d:
        tmp = Path(d)
        # One database after the other: the demo's figures are printed before the big build.
        rows += run_browser([("demo", *build_demo(tmp))], tmp)
        print_table(rows)
        if scores:
            label = f"{scores // 1000}k" if scores < 1_000_000 else f"{scores // 1_000_000}M"
            more = run_browser([(label, *build_generated(tmp, scores))], tmp)
            print_table(more)
            rows += more
    return rows


CACHE = Path(os.environ.get("BENCH_CACHE", ROOT / ".bench-cache"))


def generated_db(scores: int) -> tuple[Path, dict]:
    """bench/generate.py's history at this size, built once into CACHE (gitignored) and reused:
    the 1-million-score file takes minutes to build. Returns the pristine file and its ids."""
    from bench.generate import generate
    from services.db import get_engine, migrate

    CACHE.mkdir(parents=True, exist_ok=True)
    db, meta = CACHE / f"generated-{scores}.db", CACHE / f"generated-{scores}.json"
    if db.exists() and meta.exists():
        return db, json.loads(meta.read_text())
    part = db.with_suffix(".part")
    part.unlink(missing_ok=True)
    url = f"sqlite:///{part}"
    t = time.perf_counter()
    migrate(url)
    made = generate(get_engine(url), scores)
    get_engine(url).dispose()
    print(f"generated {made.scores:,} scores in {time.perf_counter() - t:.0f} s", flush=True)
    info = {"scores": made.scores, "big_manager_id": made.big_manager_id,
            "big_position_id": made.big_position_id,
            "drafts": [[card, panelist] for card, panelist, _c, _s in made.drafts]}
    part.rename(db)
    meta.write_text(json.dumps(info))
    return db, info


def build_generated(tmp: Path, scores: int) -> tuple[str, dict]:
    """A copy of bench/generate.py's history (its first position has 200 candidates; built
    once, see generated_db); one draft kept for field saves, ROUNDS drafts completed to submit."""
    from services.db import migrate

    pristine, info = generated_db(scores)
    copy = tmp / "generated.db"
    shutil.copyfile(pristine, copy)
    url = f"sqlite:///{copy}"
    migrate(url)  # a file cached by an older schema is brought up to date (nothing when current)
    drafts = [tuple(d) for d in info["drafts"][:ROUNDS + 1]]
    _complete_drafts(url, drafts[1:])
    return url, _plan(url, info["big_manager_id"], info["big_position_id"], BENCH_PASSWORD,
                      drafts)


if __name__ == "__main__":
    sys.exit(main())
