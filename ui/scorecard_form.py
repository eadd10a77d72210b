"""The panelist's scorecard widgets: every answer is saved to the draft as it is given.

Widget values live in st.session_state under keys made from the interview id (one card per
panelist and interview; the card itself is only created by the first saved answer). They are
seeded from the database once per browser session, so a reload (a new session) shows what was
saved. Text is saved while it is typed: AUTOSAVE_JS commits a text field after a short pause
and when the page is hidden or left (phone locked, app switched, reload), see README
"Reload and drafts".

The page draws these widgets and the sticky status bar ("N left", "saved", Submit) inside one
`st.fragment` (FORM): a tap never reruns the page's picker (issue 12). Inside it, each criterion,
the tasks and the overall answers are fragments of their own, and so is the status bar (STATUS):
a saved answer reruns only its own part and the bar (`st.rerun` with their keys from the save's
callback), not the fifty widgets of the whole card. The whole form reruns when the answer
created the card (the kit folds away, Submit comes alive) and when a save was refused at the
top of the form (another tab's change).
"""

import streamlit as st

from models import DIMENSIONS, Recommendation, ScorecardStatus, label
from models.scorecards import TEXT_MAX
from services import i18n
from services.coverage import save_tasks_covered
from services.errors import Conflict, InvalidInput, NotAllowed, NotFound
from services.i18n import N_, _, ngettext
from services.scorecards import (
    Kit,
    ensure_scorecard,
    find_scorecard,
    missing_items,
    save_fields,
    save_score,
    submit,
)
from services.viewer import Viewer
from ui import db
from ui.text import html_table, md_escape

# The stored value of the "not assessed" choice (shown translated).
NOT_ASSESSED = "Not assessed"
N_("Not assessed")
RECOMMENDATIONS = [r.value for r in Recommendation]
TEXT_FIELDS = {
    "candidate_questions": N_("The candidate's own questions"),
    "interest": N_("The candidate's interest in the role"),
    "concerns": N_("Concerns"),
}
# Milliseconds of no typing before a text field's value is sent to the server.
AUTOSAVE_PAUSE_MS = 700
# Room kept free above the sticky status bar when a focused field is scrolled into view.
STATUS_ROOM_PX = 150

# Streamlit sends a text area's value when it loses focus or on Ctrl+Enter, a number input's on
# Enter: text typed but not yet left would be lost on reload. This presses those keys for the
# panelist after a pause in typing and at once when the page is hidden or unloaded. Only the
# scorecard's own fields (keys "sc_...") are touched.
#
# A reload can still close the connection before the server has run the save (seen: 3 reloads
# in 11 at 0.2 s after typing). So what is typed is also kept in the tab's sessionStorage (per
# user and field; gone when the tab closes) until a script run that started after the field was
# sent has ended. When the form is drawn again (after a reload and logging in), a field whose
# kept text differs from what the server seeded gets that text back and is sent again; one that
# matches is forgotten. See README "Reload and drafts".
AUTOSAVE_JS = """
<script>
(() => {
  window.__secondLookUser = "USER";  // every draw: the logged-in panelist of this page
  if (window.__secondLookAutosave) return;
  window.__secondLookAutosave = true;
  const pending = new Map();
  const STORE = 'secondlook-draft:';
  const field = (el) => el && el.closest && el.closest('[class*="st-key-sc_"]')
    && (el.tagName === 'TEXTAREA' || el.type === 'number');
  const prefix = () => STORE + window.__secondLookUser + ':';
  const keyOf = (el) => {
    const box = el.closest('[class*="st-key-sc_"]');
    const name = box && [...box.classList].find((c) => c.startsWith('st-key-sc_'));
    return name ? prefix() + name.slice('st-key-'.length) : null;
  };
  const store = (action) => {
    try { return action(window.sessionStorage); } catch (e) { return null; }
  };
  const sent = new Map();  // storage key -> [value sent, when], until a later run has ended
  const live = new Set();  // keys typed into on this page: theirs is the box's own text
  let runStarted = 0;
  const commit = (el) => {
    clearTimeout(pending.get(el));
    pending.delete(el);
    if (!el.isConnected) return;
    const k = keyOf(el);
    if (k) sent.set(k, [el.value, performance.now()]);
    el.dispatchEvent(new KeyboardEvent('keydown', {
      key: 'Enter', code: 'Enter', keyCode: 13, which: 13, bubbles: true, cancelable: true,
      ctrlKey: el.tagName === 'TEXTAREA'}));
  };
  document.addEventListener('input', (event) => {
    const el = event.target;
    if (!field(el)) return;
    const k = keyOf(el);
    if (k) { live.add(k); store((s) => s.setItem(k, el.value)); }
    clearTimeout(pending.get(el));
    pending.set(el, setTimeout(() => commit(el), PAUSE));
  }, true);
  // A run that started after a field was sent has ended: the server has it; forget the copy.
  const scriptState = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app ? app.getAttribute('data-test-script-state') : null;
  };
  let lastState = scriptState();
  const watchRuns = () => {
    const state = scriptState();
    if (state === lastState) return;
    lastState = state;
    if (state === 'running') { runStarted = performance.now(); return; }
    for (const [k, [value, when]] of [...sent]) {
      if (when >= runStarted) continue;
      sent.delete(k);
      store((s) => { if (s.getItem(k) === value) s.removeItem(k); });
    }
  };
  // After a reload: give back what the server never got, and send it. A box is given its kept
  // text only when two looks in a row (a redraw, or the once-a-second look) find the same other
  // text in it: a box caught mid-draw (seen: empty for a moment after logging in) would
  // otherwise be sent a text the server already has, a save that starts no run, and the copy
  // would be kept for good.
  const restored = new Set();
  const differs = new Map();  // storage key -> the other text the last look found
  const restore = () => {
    if (scriptState() === 'running') return;
    const keys = store((s) => Object.keys(s)) || [];
    for (const k of keys) {
      if (!k.startsWith(prefix()) || restored.has(k) || live.has(k)) continue;
      const box = document.querySelector('.st-key-' + CSS.escape(k.slice(prefix().length)));
      const el = box && box.querySelector('textarea, input[type=number]');
      if (!el || el.disabled || document.activeElement === el) continue;
      const value = store((s) => s.getItem(k));
      if (value === null || el.value === value) {
        differs.delete(k);
        store((s) => s.removeItem(k));
        continue;
      }
      if (differs.get(k) !== el.value) { differs.set(k, el.value); continue; }
      differs.delete(k);
      restored.add(k);
      const proto = el.tagName === 'TEXTAREA' ? HTMLTextAreaElement.prototype
        : HTMLInputElement.prototype;
      Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, value);
      el.dispatchEvent(new Event('input', {bubbles: true}));
      commit(el);
    }
  };
  const flush = () => {
    for (const [el, timer] of [...pending]) { clearTimeout(timer); commit(el); }
  };
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flush();
  });
  window.addEventListener('pagehide', flush);
  // WCAG 2.4.11: a field reached with Tab must not sit under the sticky status bar. The
  // browser scrolls it into view ignoring the bar; move it up by the overlap.
  const scroller = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowY;
      if ((o === 'auto' || o === 'scroll') && p.scrollHeight > p.clientHeight) return p;
    }
    return document.scrollingElement;
  };
  const target = (el) => (el.matches('input[type=radio], input[type=checkbox]')
    && el.closest('label')) || el;
  const unhide = (el) => {
    const bar = document.querySelector('.st-key-sc_status');
    // Not the bar's own controls, nor what holds the bar (the page's scroll region, main).
    if (!bar || !el || bar.contains(el) || el.contains(bar) || !el.getBoundingClientRect) return;
    const r = target(el).getBoundingClientRect(), b = bar.getBoundingClientRect();
    if (r.bottom > b.top - 4 && r.top < b.bottom) scroller(el).scrollBy(0, r.bottom - b.top + 12);
  };
  document.addEventListener('focusin', (event) => {
    const el = event.target;
    requestAnimationFrame(() => unhide(el));
  }, true);
  // A rerun can redraw the form after the focus moved (a slow save), pushing the focused
  // control back under the bar: look again after each redraw, for keyboard focus only (a
  // control clicked, then scrolled past, must not pull the page back).
  let looking = false;
  new MutationObserver(() => {
    watchRuns();
    if (looking) return;
    looking = true;
    requestAnimationFrame(() => {
      looking = false;
      watchRuns();
      restore();
      const el = document.activeElement;
      if (el && el !== document.body && el.matches(':focus-visible')) unhide(el);
    });
  }).observe(document.body, {childList: true, subtree: true, attributes: true,
                             attributeFilter: ['data-test-script-state']});
  setInterval(restore, 1000);  // the second look, when nothing is redrawn meanwhile
  window.addEventListener('beforeunload', flush);
})();
</script>
""".replace("PAUSE", str(AUTOSAVE_PAUSE_MS))

# Phone ergonomics and keyboard use: score and recommendation options drawn as buttons of at
# least 36 x 40 CSS px (the radio circle's 16 px was the only target), "Not assessed" kept on the
# scores' line, and
# the status bar ("N left", "saved", Submit) kept in view at the bottom of the screen (the
# sticky box is the layout wrapper of the bar's fragment, a child of the form's fragment block,
# which runs the page's full height); a
# visible focus ring on every control (WCAG 2.4.7) and room above the bar (2.4.11).
STYLE = """
<style>
:is([class*="st-key-sc_score_"], [class*="st-key-sc_recommendation_"]) [role="radiogroup"] {
  gap: 5px; }
:is([class*="st-key-sc_score_"], [class*="st-key-sc_recommendation_"])
  label[data-testid="stRadioOption"] {
  min-width: 36px; min-height: 40px; margin: 0; padding: 0 7px; box-sizing: border-box;
  display: flex; justify-content: center; align-items: center; white-space: nowrap;
  border: 1px solid rgba(49, 51, 63, 0.35); border-radius: 8px; cursor: pointer; }
:is([class*="st-key-sc_score_"], [class*="st-key-sc_recommendation_"])
  label[data-testid="stRadioOption"] > div > div:first-child { display: none; }
:is([class*="st-key-sc_score_"], [class*="st-key-sc_recommendation_"])
  label[data-testid="stRadioOption"]:has(input:checked) {
  background: #2f5d8a; border-color: #2f5d8a; }
:is([class*="st-key-sc_score_"], [class*="st-key-sc_recommendation_"])
  label[data-testid="stRadioOption"]:has(input:checked) p { color: #ffffff; }
:is([class*="st-key-sc_score_"], [class*="st-key-sc_recommendation_"])
  label[data-testid="stRadioOption"]:has(input:focus-visible) {
  outline: 2px solid #2f5d8a; outline-offset: 2px; }
[class*="st-key-sc_task_"] label { min-height: 24px; align-items: center; }
/* Streamlit's own "Press Ctrl+Enter to apply" (English only): untrue here, text is saved as
   it is typed. */
[class*="st-key-sc_"] [data-testid="InputInstructions"] { display: none; }
[class*="st-key-sc_task_"] label:has(input:focus-visible) {
  outline: 2px solid #2f5d8a; outline-offset: 2px; border-radius: 4px; }
[data-testid="stMain"] :is(button, a, textarea, input:not([type=radio]):not([type=checkbox]),
  summary, [tabindex="0"]):focus-visible {
  outline: 2px solid #2f5d8a !important; outline-offset: 2px; }
[data-testid="stSidebar"] :is(button, a, input):focus-visible {
  outline: 2px solid #2f5d8a !important; outline-offset: 2px; }
:is([class*="st-key-sc_"], [data-testid="stMain"]) :is(input, textarea, label, button) {
  scroll-margin-bottom: 150px; }
[data-testid="stLayoutWrapper"]:has(> [data-testid="stVerticalBlock"]
  > [data-testid="stLayoutWrapper"] > .st-key-sc_status) {
  position: sticky; bottom: 0; z-index: 50; }
.st-key-sc_status { padding: 6px 0 4px; background: var(--background-color, #ffffff);
  border-top: 1px solid rgba(49, 51, 63, 0.2); }
</style>
"""


def key(kind: str, interview_id: int, item: int | str = "") -> str:
    """The session-state key of one scorecard widget."""
    return f"sc_{kind}_{interview_id}_{item}"


# Fragment keys (targets of st.rerun): the whole form and its sticky status bar; part() names
# one criterion's block, the tasks or the overall answers.
FORM = "scorecard_form"
STATUS = "scorecard_status"


def part(kind: str, interview_id: int, item: int | str = "") -> str:
    """The fragment key of one part of the form ("criterion", "tasks", "overall")."""
    return f"scorecard_{kind}_{interview_id}_{item}"


def _rerun_after_save(interview_id: int, where: str, created: bool) -> None:
    """After a save from a widget of the part `where`: rerun that part and the status bar
    (there is none while a submitted card is being changed), or the whole form when the save
    created the card or was refused at the form's top."""
    if created or st.session_state.get(key("error", interview_id)):
        st.rerun(FORM)
    st.rerun([where] if amending(interview_id) else [where, STATUS])


def seed_state(kit: Kit) -> None:
    """Put the saved draft into session state once, before the widgets are drawn."""
    card, iid = kit.scorecard, kit.interview.id
    marker = key("loaded", iid)
    if st.session_state.get(marker):
        return
    for c in kit.criteria:
        s = kit.scores.get(c.id)
        choice = None
        if s is not None:
            choice = NOT_ASSESSED if s.not_assessed else (str(s.value) if s.value else None)
        st.session_state[key("score", iid, c.id)] = choice
        st.session_state[key("evidence", iid, c.id)] = s.evidence if s else ""
    st.session_state[key("recommendation", iid)] = card.recommendation
    for name in TEXT_FIELDS:
        st.session_state[key(name, iid)] = getattr(card, name) or ""
    st.session_state[key("salary_heard", iid)] = ("" if card.salary_heard is None
                                                   else str(card.salary_heard))
    covered = set(card.tasks_covered or [])
    for i, task in enumerate(kit.position.tasks):
        st.session_state[key("task", iid, i)] = task in covered
    st.session_state[key("card", iid)] = card.id
    # A card not created yet will start at version 1: a save from another tab that created it
    # in the meantime is then a conflict, not a silent overwrite.
    st.session_state[key("version", iid)] = card.version if card.id is not None else 1
    st.session_state[marker] = True


def forget_state(interview_id: int) -> None:
    """Drop this interview's widget state so the next run reloads it from the database."""
    prefix = f"_{interview_id}_"
    for k in [k for k in st.session_state if str(k).startswith("sc_") and prefix in str(k)]:
        del st.session_state[k]


def amending(interview_id: int) -> bool:
    """True while the panelist changes their submitted scorecard (every change is audited)."""
    return bool(st.session_state.get(key("amend", interview_id)))


def locked(kit: Kit) -> bool:
    """Whether the widgets are read-only: a submitted card, unless the panelist amends it."""
    return kit.submitted and not amending(kit.interview.id)


def _card_id(interview_id: int, viewer: Viewer) -> int:
    """The card's id, creating the card now: the first saved answer is what starts it."""
    card_id = st.session_state.get(key("card", interview_id))
    if card_id is None:
        with db.session() as s:
            card_id = ensure_scorecard(s, viewer, interview_id).id
        st.session_state[key("card", interview_id)] = card_id
    return card_id


def _persist(interview_id: int, viewer: Viewer, where: str, part_key: str, action) -> None:
    """Run one save; a refusal is shown beside the field (and the typed text stays there).
    Then the part `part_key` of the form is redrawn (_rerun_after_save)."""
    version_key = key("version", interview_id)
    error_key = key("error", interview_id, where)
    created = st.session_state.get(key("card", interview_id)) is None
    try:
        card_id = _card_id(interview_id, viewer)
        with db.session() as s:
            st.session_state[version_key] = action(s, card_id, st.session_state.get(version_key))
    except InvalidInput as exc:
        st.session_state[error_key] = "; ".join(exc.problems)
    except (Conflict, NotAllowed, NotFound) as exc:
        # Shown at the top of the form, with a way to load the latest version.
        st.session_state[key("error", interview_id)] = str(exc)
    else:
        st.session_state.pop(error_key, None)
        st.session_state.pop(key("error", interview_id), None)
    _rerun_after_save(interview_id, part_key, created)


def _refuse(interview_id: int, where: str, part_key: str, problem: str) -> None:
    """A field's value refused before any save (too long): said beside the field."""
    st.session_state[key("error", interview_id, where)] = problem
    _rerun_after_save(interview_id, part_key, False)


def _too_long(text: str | None) -> str | None:
    n = len(text or "")
    if n <= TEXT_MAX:
        return None
    return _("Too long to save: {n} characters, at most {max}. Your text is kept in the box but "
             "not saved: shorten it, or move part of it to another field.").format(
        n=i18n.number(n), max=i18n.number(TEXT_MAX))


def _save_score_cb(interview_id: int, viewer: Viewer, criterion_id: int) -> None:
    choice = st.session_state.get(key("score", interview_id, criterion_id))
    evidence = st.session_state.get(key("evidence", interview_id, criterion_id)) or ""
    where, block = f"c{criterion_id}", part("criterion", interview_id, criterion_id)
    problem = _too_long(evidence)
    if problem:
        _refuse(interview_id, where, block, problem)
        return
    item = {"criterion_id": criterion_id,
            "value": None if choice in (None, NOT_ASSESSED) else int(choice),
            "not_assessed": choice == NOT_ASSESSED, "evidence": evidence}
    _persist(interview_id, viewer, where, block,
             lambda s, card_id, v: save_score(s, viewer, card_id, item, v,
                                              amend=amending(interview_id)))


def _save_field_cb(interview_id: int, viewer: Viewer, name: str) -> None:
    value = st.session_state.get(key(name, interview_id))  # salary heard: text, the schema reads
    problem = _too_long(value) if isinstance(value, str) else None
    if problem:
        _refuse(interview_id, name, part("overall", interview_id), problem)
        return
    _persist(interview_id, viewer, name, part("overall", interview_id),
             lambda s, card_id, v: save_fields(s, viewer, card_id, {name: value}, v,
                                               amend=amending(interview_id)))


def _save_tasks_cb(interview_id: int, viewer: Viewer, tasks: list[str]) -> None:
    ticked = [t for i, t in enumerate(tasks) if st.session_state.get(key("task", interview_id, i))]
    _persist(interview_id, viewer, "tasks", part("tasks", interview_id),
             lambda s, card_id, v: save_tasks_covered(s, viewer, card_id, ticked, v))


def submit_cb(interview_id: int, viewer: Viewer, card_id: int) -> None:
    """Submit the card, as the "Submit scorecard" button's callback: the run the click starts
    then draws the submitted card and its confirmation at once (one run, not a run that
    submits and a second one that shows it). What still stops submission is kept under
    key("missing") for that run to list; a conflict (another tab or device saved since) is
    shown at the top of the form like a field's. A second click of a double-click that
    reaches the server after the first submitted finds the card submitted: not an error."""
    try:
        with db.session() as s:
            submit(s, viewer, card_id, st.session_state.get(key("version", interview_id)))
    except InvalidInput as exc:
        with db.session() as s:
            card = find_scorecard(s, viewer, interview_id)
        if card is None or card.status != ScorecardStatus.submitted:
            st.session_state[key("missing", interview_id)] = list(exc.problems)
            st.rerun(FORM)
    except (Conflict, NotAllowed, NotFound) as exc:
        st.session_state[key("error", interview_id)] = str(exc)
        st.rerun(FORM)
    forget_state(interview_id)
    st.session_state["scorecard_just_submitted"] = interview_id
    st.session_state["scorecard_panel_deferred"] = interview_id
    st.rerun(FORM)  # the button sits in the status bar's fragment: the whole form changes


def _field_error(interview_id: int, where: str) -> None:
    message = st.session_state.get(key("error", interview_id, where))
    if message:
        st.error(message, icon=":material/error:")


def style(viewer: Viewer) -> None:
    """The scorecard's phone-sized targets, focus rings and sticky status bar, and the typing
    autosave (its kept copies are the viewer's own: keyed by their id)."""
    st.html(STYLE + AUTOSAVE_JS.replace('"USER"', f'"{int(viewer.id)}"'),
            unsafe_allow_javascript=True)


def unsaved_fields(interview_id: int) -> int:
    """How many of this card's fields show a refusal (too long, refused): their text is kept in
    the box but not saved."""
    prefix = key("error", interview_id, "")
    return sum(1 for k, v in st.session_state.items() if str(k).startswith(prefix) and v)


def status_text(kit: Kit) -> str:
    """The status bar's sentence: what is left before submitting, and whether a draft is saved
    (not "saved" while a field's text is refused)."""
    missing = missing_items(kit)
    unsaved = unsaved_fields(kit.interview.id)
    if unsaved:
        saved = ngettext("{n} field is not saved: see its message.",
                         "{n} fields are not saved: see their messages.", unsaved).format(
            n=unsaved)
    elif kit.scorecard.id is not None:
        saved = _("Draft saved.")
    else:
        saved = _("Not started yet.")
    if missing:
        left = ngettext("{n} thing left before you can submit.",
                        "{n} things left before you can submit.", len(missing)).format(
            n=len(missing))
        return f"{left} {saved}"
    return _("Ready to submit. {saved}").format(saved=saved)


def interview_kit(kit: Kit) -> None:
    """The position's tasks, the first interview's notes, questions to revisit, the panel."""
    st.markdown("**" + _("The position's tasks") + "**")
    st.text("\n".join(f"• {t}" for t in kit.position.tasks) or _("No task list."))
    st.markdown("**" + _("First-interview notes") + "**")
    st.text(kit.candidate.first_interview_notes or _("None recorded."))
    st.markdown("**" + _("Questions to revisit") + "**")
    st.text(kit.candidate.revisit_questions or _("None recorded."))
    st.markdown("**" + _("Panel") + "**")
    st.text("\n".join(f"{name} ({label(role)})" for name, role in kit.panel))


def in_part(fragment_key: str, draw, kit: Kit, *args) -> None:
    """`draw(kit, *args)` as a fragment of the form keyed `fragment_key` (see part()): a save
    from one of its widgets reruns it and the status bar alone. Such a rerun calls it with this
    run's `kit`: what a part reads of the kit (criteria, scale, tasks, whether it is locked)
    stays while the card is open, and the answers come from the session state."""
    st.fragment(key=fragment_key)(draw)(kit, *args)


def tasks_widget(kit: Kit, viewer: Viewer) -> None:
    """Which of the position's tasks the panelist probed: one tick each, saved when changed."""
    if kit.position.tasks:
        in_part(part("tasks", kit.interview.id), _tasks, kit, viewer)


def _tasks(kit: Kit, viewer: Viewer) -> None:
    st.subheader(_("Tasks you probed"))
    st.caption(_("Tick the position's tasks you asked about. Before the debrief, tasks no "
                 "panelist probed are flagged."))
    iid = kit.interview.id
    for i, task in enumerate(kit.position.tasks):
        st.checkbox(task, key=key("task", iid, i), on_change=_save_tasks_cb,
                    args=(iid, viewer, list(kit.position.tasks)), disabled=kit.submitted)
    _field_error(iid, "tasks")


def scale_options(kit: Kit) -> list[str]:
    """The choices of the rating scale, then 'not assessed' (stored values; see option_label)."""
    lo, hi = kit.template.scale_min, kit.template.scale_max
    return [str(v) for v in range(lo, hi + 1)] + [NOT_ASSESSED]


def option_label(option: str) -> str:
    """A score choice as shown: the number, or "Not assessed" in the reader's language."""
    return _(NOT_ASSESSED) if option == NOT_ASSESSED else option


def _criterion_block(kit: Kit, viewer: Viewer, criterion_id: int) -> None:
    """One criterion: name, description, anchors, score, evidence."""
    iid = kit.interview.id
    c = next(x for x in kit.criteria if x.id == criterion_id)
    lo, hi = kit.template.scale_min, kit.template.scale_max
    mid = (lo + hi) / 2
    with st.container(border=True):
        # Name, description and anchors in one element (small text for the anchors): every
        # tap reruns the whole form, and each element costs the server and the browser a
        # message and a redraw (issue 12).
        anchors = [f":small[{i18n.number(point, 0 if point == int(point) else 1)} — "
                   f"{md_escape(text)}]"
                   for point, text in [(lo, c.anchor_low), (mid, c.anchor_mid),
                                       (hi, c.anchor_high)] if text]
        st.markdown(f"**{md_escape(c.name)}**"
                    + (f"  \n{md_escape(c.description)}" if c.description else "")
                    + ("\n\n" + "  \n".join(anchors) if anchors else ""))
        st.radio(
            _("Score"), scale_options(kit), index=None, horizontal=True,
            format_func=option_label, key=key("score", iid, c.id),
            on_change=_save_score_cb, args=(iid, viewer, c.id),
            disabled=locked(kit),
        )
        choice = st.session_state.get(key("score", iid, c.id))
        extreme = choice in (str(lo), str(hi))
        st.text_area(
            _("Evidence (required for a score at the end of the scale)") if extreme
            else _("Evidence"),
            key=key("evidence", iid, c.id), height=80,
            placeholder=_("What did the candidate say or do that supports this score?"),
            on_change=_save_score_cb, args=(iid, viewer, c.id),
            disabled=locked(kit),
        )
        _field_error(iid, f"c{c.id}")


def submitted_card(kit: Kit) -> None:
    """A submitted scorecard, read-only: the scores with their evidence, then the overall
    answers, as two plain tables in one element. Read rather than disabled widgets: a phone
    shows text better than greyed-out controls, and the run that submits draws this in a
    fraction of the browser time thirty disabled widgets took (issue 12, measured: submit
    3.5x the floor with them, 1.2x without). "Change my submitted scorecard" brings the
    widgets back."""
    card = kit.scorecard
    rows, classes = [], []
    for dimension in DIMENSIONS:
        criteria = [c for c in kit.criteria if c.dimension == dimension]
        if not criteria:
            continue
        rows.append((label(dimension), ["", ""]))
        classes.append("mean")
        for c in criteria:
            given = kit.scores.get(c.id)
            if given is None or (given.value is None and not given.not_assessed):
                score = "—"
            elif given.value is None:
                score = _(NOT_ASSESSED)
            else:
                score = i18n.number(given.value)
            rows.append((c.name, [score, (given.evidence if given else "") or "—"]))
            classes.append("")
    answers = [(_("Recommendation"), [label(card.recommendation) if card.recommendation
                                      else "—"])]
    answers += [(_(title), [getattr(card, name) or "—"]) for name, title in TEXT_FIELDS.items()]
    answers.append((_("Salary expectation heard"),
                    [i18n.money(card.salary_heard, kit.position.currency)]))
    if kit.position.tasks:
        answers.append((_("Tasks you probed"), ["; ".join(card.tasks_covered or []) or "—"]))
    st.html(html_table([_("Score"), _("Evidence")], rows, kind="sl-my-card",
                       row_classes=classes)
            + html_table([_("Your answer")], answers, kind="sl-my-card"))


def criterion_widgets(kit: Kit, viewer: Viewer) -> None:
    """One block per criterion, grouped by dimension."""
    for dimension in ("technical", "social", "company"):
        criteria = [c for c in kit.criteria if c.dimension == dimension]
        if not criteria:
            continue
        st.subheader(label(dimension))
        for c in criteria:
            in_part(part("criterion", kit.interview.id, c.id), _criterion_block, kit, viewer, c.id)


def overall_widgets(kit: Kit, viewer: Viewer) -> None:
    """Recommendation, the candidate's questions, salary heard, interest and concerns."""
    in_part(part("overall", kit.interview.id), _overall, kit, viewer)


def _overall(kit: Kit, viewer: Viewer) -> None:
    iid = kit.interview.id
    st.subheader(_("Overall"))
    st.radio(
        _("Recommendation"), RECOMMENDATIONS, index=None, horizontal=True, format_func=label,
        key=key("recommendation", iid), on_change=_save_field_cb,
        args=(iid, viewer, "recommendation"), disabled=locked(kit),
    )
    _field_error(iid, "recommendation")
    for name, title in TEXT_FIELDS.items():
        st.text_area(_(title), key=key(name, iid), height=80, on_change=_save_field_cb,
                     args=(iid, viewer, name), disabled=locked(kit))
        _field_error(iid, name)
    # Text read by the schema (ui.widgets.money_input says why not a number box); its state
    # is preset from the card (load_state), so no value here.
    st.text_input(
        _("Salary expectation heard ({currency} per year)").format(
            currency=kit.position.currency), key=key("salary_heard", iid),
        on_change=_save_field_cb, args=(iid, viewer, "salary_heard"), disabled=locked(kit),
    )
    _field_error(iid, "salary_heard")
