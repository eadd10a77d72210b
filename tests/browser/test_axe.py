"""axe-core in Chromium (issue 13, point 5): every page, for every role that may open it, in
English and in French, at desktop and phone size, has no violation of impact serious or
critical; and the login page's and the scorecard's targets are at least 24 x 24 CSS px (2.5.8).

One demo server for the session, one browser. Each role is one test with one browser context:
it logs in once and moves from page to page inside the same Streamlit session (a page load
would be a new, logged-out session), the way the sidebar's links do; each page is scanned at
both sizes (the viewport changed in place: the layout, sidebar included, follows the width as
on a fresh load at that size). The demo users have no language of their own, so the browser's
(en-CA) decides the English half; for the French half the test gives the user French (the
app applies it on the next run, as after choosing it on My account) and puts it back after.
The login page is scanned in an en-CA and an fr-CA browser.
"""

from dataclasses import dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from models import Candidate, Interview, PanelMember, Role, User
from services.db import get_engine
from tests.browser.conftest import log_in_as, open_context, settled, visit
from ui.guard import PAGES, PageSpec, url_path

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
LOCALES = {"en": "en-CA", "fr": "fr-CA"}
BLOCKING = ("serious", "critical")
ROLES = (Role.panelist, Role.hiring_manager, Role.recruiter, Role.admin)
MIN_TARGET = 24  # CSS px, WCAG 2.2 SC 2.5.8 (target size, minimum)

# Violations inside Streamlit's own components, which the app cannot change: (rule id, a CSS
# selector the failing node matches, the Streamlit issue). Only that rule on that node is
# forgiven; the same rule anywhere else still fails. Each is described in docs/accessibility.md.
STREAMLIT_GAPS: list[tuple[str, str, str]] = [
    # st.navigation with sections draws <ul><div><header/><li>...</li></div></ul>: each section's
    # <div> sits between the list and its items (Streamlit 1.67, frontend NavSection). No
    # Streamlit issue was found for it (searched "st.navigation sections list listitem"); to be
    # reported upstream. Screen readers still announce the links inside the "App pages" <nav>.
    ("list", '[data-testid="stSidebarNavItems"]', "not yet reported"),
    ("listitem", '[data-testid="stSidebarNavItems"]', "not yet reported"),
]

_axe = Axe()


# ---------------------------------------------------------------- people and pages


def demo_user(data: dict, role: str) -> dict:
    """A demo account holding `role` with no language of its own (the browser decides); for a
    panelist, the one the demo invites to score."""
    free = [u for u in data["users"] if role in u["roles"] and not u.get("language")]
    tried = (data.get("try") or {}).get("panelist")
    if role == Role.panelist:
        free.sort(key=lambda u: u["email"] != tried)
    assert free, f"the demo set has no {role} without a language"
    return free[0]


def tried(demo_world: dict) -> str | None:
    """The candidate the demo invites its panelist to score."""
    return (demo_world["data"].get("try") or {}).get("candidate")


def pages_of(role: str) -> list[PageSpec]:
    """The pages a role may open (admin opens every page; everyone opens their account)."""
    return [p for p in PAGES if role == Role.admin or not p.roles or role in p.roles]


def first_interview(db_url: str, email: str, candidate: str | None = None) -> int | None:
    """The panelist's interview with `candidate` (the one the demo invites them to score), else
    their first one: the scorecard is scanned with its kit and widgets."""
    with Session(get_engine(db_url)) as s:
        query = (select(Interview.id).join(PanelMember).join(User)
                 .join(Candidate, Candidate.id == Interview.candidate_id)
                 .where(User.email == email).order_by(Interview.id))
        if candidate:
            chosen = s.exec(query.where(Candidate.name == candidate)).first()
            if chosen is not None:
                return chosen
        return s.exec(query).first()


def address(page: PageSpec, interview: int | None) -> str:
    path = "/" + url_path(page)
    if page.path == "pages/scorecard.py" and interview is not None:
        path += f"?interview={interview}"
    return path


# ---------------------------------------------------------------- axe


@dataclass(frozen=True)
class Finding:
    rule: str
    impact: str
    page: str
    count: int
    target: str
    help: str


def _forgiven(page: Page, rule: str, target: list) -> bool:
    for gap_rule, selector, _issue in STREAMLIT_GAPS:
        if gap_rule == rule and isinstance(target, list) and len(target) == 1:
            if page.evaluate("([t, s]) => !!document.querySelector(t)?.closest(s)",
                             [target[0], selector]):
                return True
    return False


_DESCRIBE = """t => {
  const el = document.querySelector(t);
  const box = el?.closest('[data-testid]');
  return box ? box.dataset.testid + (el === box ? '' : ' ' + el.tagName.toLowerCase()) : '';
}"""


def describe(page: Page, node: dict) -> str:
    """A node by its Streamlit element (data-testid), axe's selector and why it failed."""
    target = node["target"][0] if node["target"] else ""
    where = page.evaluate(_DESCRIBE, target) if isinstance(target, str) else ""
    why = (node.get("any") or node.get("all") or node.get("none") or [{}])[0].get("message", "")
    return f"{where} [{target}] {why}"[:160]


def scan(page: Page, where: str) -> list[Finding]:
    """axe-core's serious and critical violations on the page as it is now (every rule axe
    runs by default; only violations are collected). The script is injected once per document:
    moving between pages keeps the document."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe.axe_script)
    violations = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']})")["violations"]
    found = []
    for v in violations:
        if v.get("impact") not in BLOCKING:
            continue
        nodes = [n for n in v["nodes"] if not _forgiven(page, v["id"], n["target"])]
        if nodes:
            found.append(Finding(v["id"], v["impact"], where, len(nodes),
                                 describe(page, nodes[0]), v["help"]))
    return found


def table(findings: list[Finding]) -> str:
    rows = [("rule", "impact", "page (size, language)", "n", "first target")]
    rows += [(f.rule, f.impact, f.page, str(f.count), f.target) for f in findings]
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True))
                     + "  " + r[4] for r in rows)


# ---------------------------------------------------------------- sizes and languages

_SIDEBAR_SETTLED = """desktop => {
  const bar = document.querySelector('[data-testid=stSidebar]');
  if (!bar) return true;
  const r = bar.getBoundingClientRect();
  return desktop ? r.left >= 0 && r.width > 0 : r.right <= 0;
}"""


def at_size(page: Page, viewport: str) -> None:
    """Resize the page in place and wait until the layout has followed: the sidebar open on a
    desktop, slid away on a phone (as a fresh load at that size has it), two frames drawn."""
    size = VIEWPORTS[viewport]
    if page.viewport_size != size:
        page.set_viewport_size(size)
    page.wait_for_function(_SIDEBAR_SETTLED, arg=viewport == "desktop")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def set_language(db_url: str, email: str, language: str | None) -> None:
    """The user's own language, as My account saves it (None: follow the browser)."""
    with Session(get_engine(db_url)) as s:
        user = s.exec(select(User).where(User.email == email)).one()
        user.language = language
        s.add(user)
        s.commit()


def scan_both_sizes(page: Page, where: str, lang: str) -> list[Finding]:
    """Scan at the size the page has now, then at the other one (one resize per page)."""
    first = "desktop" if page.viewport_size == VIEWPORTS["desktop"] else "phone"
    found = []
    for viewport in (first, *(v for v in VIEWPORTS if v != first)):
        at_size(page, viewport)
        found += scan(page, f"{where} ({viewport}, {lang})")
    return found


@pytest.mark.parametrize("lang", list(LOCALES))
def test_login_page_has_no_serious_or_critical_axe_violation(browser: Browser, demo_url, lang):
    context = open_context(browser, locale=LOCALES[lang], viewport=VIEWPORTS["desktop"])
    try:
        page = context.new_page()
        page.goto(demo_url)
        settled(page)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        findings = scan_both_sizes(page, "login", lang)
    finally:
        context.close()
    assert not findings, f"axe: serious/critical violations (logged out):\n{table(findings)}"


@pytest.mark.parametrize("role", ROLES)
def test_no_serious_or_critical_axe_violation_on_any_page_of_the_role(
        browser: Browser, demo_url, demo_world, role):
    user = demo_user(demo_world["data"], role)
    interview = first_interview(demo_world["url"], user["email"], tried(demo_world))
    context = open_context(browser, locale=LOCALES["en"], viewport=VIEWPORTS["desktop"])
    findings: list[Finding] = []
    try:
        page = context.new_page()
        page.goto(demo_url)
        log_in_as(page, user["email"], demo_world["password"])
        for lang in LOCALES:
            set_language(demo_world["url"], user["email"], None if lang == "en" else lang)
            for spec in pages_of(role):
                visit(page, address(spec, interview))
                expect(page.locator("html")).to_have_attribute("lang", lang)
                findings += scan_both_sizes(page, url_path(spec), lang)
    finally:
        set_language(demo_world["url"], user["email"], None)
        context.close()
    assert not findings, f"axe: serious/critical violations ({role}):\n{table(findings)}"


# ---------------------------------------------------------------- target size (2.5.8)

_SMALL_TARGETS = """min => {
  const main = document.querySelector('[data-testid=stMain]');
  const selector = 'button, a[href], summary, select, textarea, [role=button], [role=tab], '
    + '[role=combobox], label[data-baseweb=radio], label[data-baseweb=checkbox], '
    + 'input:not([type=hidden]):not([type=radio]):not([type=checkbox])';
  const shown = el => {
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && cs.visibility !== 'hidden' && cs.opacity !== '0';
  };
  // A link inside a sentence is exempt (2.5.8 "inline"), like a browser's own controls.
  const inline = el => el.tagName === 'A'
    && el.closest('[data-testid=stMarkdownContainer] :is(p, li)');
  const targets = [...main.querySelectorAll(selector)].filter(el => shown(el) && !inline(el));
  const boxes = targets.map(el => el.getBoundingClientRect());
  const centre = b => [b.left + b.width / 2, b.top + b.height / 2];
  const gap = ([x, y], b) => Math.hypot(Math.max(b.left - x, 0, x - b.right),
                                         Math.max(b.top - y, 0, y - b.bottom));
  const small = b => b.width < min || b.height < min;
  const out = [];
  targets.forEach((el, i) => {
    if (!small(boxes[i])) return;
    // Spacing exception: a circle of diameter `min` on the target's centre meets no other
    // target, nor the circle of another small target.
    const c = centre(boxes[i]);
    const crowded = targets.some((other, j) => j !== i && !el.contains(other)
      && !other.contains(el)
      && (gap(c, boxes[j]) < min / 2
          || (small(boxes[j]) && Math.hypot(c[0] - centre(boxes[j])[0],
                                            c[1] - centre(boxes[j])[1]) < min)));
    if (crowded) {
      const box = el.closest('[data-testid]');
      out.push(`${el.tagName.toLowerCase()} in ${box ? box.dataset.testid : '?'} `
               + `"${(el.innerText || el.getAttribute('aria-label') || '').trim().slice(0, 30)}" `
               + `${Math.round(boxes[i].width)}x${Math.round(boxes[i].height)}`);
    }
  });
  return out;
}"""


def small_targets(page: Page) -> list[str]:
    """The main area's targets under MIN_TARGET px without the spacing exception."""
    return page.evaluate(_SMALL_TARGETS, MIN_TARGET)


def test_login_and_scorecard_targets_are_24px_on_a_phone(browser, demo_url, demo_world):
    context = open_context(browser, locale=LOCALES["en"], viewport=VIEWPORTS["phone"])
    page = context.new_page()
    page.goto(demo_url)
    settled(page)
    assert small_targets(page) == [], "login page"
    user = demo_user(demo_world["data"], Role.panelist)
    log_in_as(page, user["email"], demo_world["password"])
    visit(page, address(next(p for p in PAGES if p.path == "pages/scorecard.py"),
                     first_interview(demo_world["url"], user["email"], tried(demo_world))))
    expect(page.get_by_test_id("stRadio").first).to_be_visible()
    assert small_targets(page) == [], "scorecard"
    context.close()
