"""The app's global stylesheet: contrast, focus and target sizes that the theme cannot set.

app.py calls `inject()` once per run, before navigation runs the page. Colours that the theme
can set live in .streamlit/config.toml; this covers what Streamlit derives from them (captions
are drawn at 60 % opacity, 2.7 to 3.9:1 on white, below the 4.5:1 of WCAG 1.4.3; placeholders
and help text are faded too) and what it does not style at all. docs/accessibility.md says why
each rule is here; tests/browser/test_axe.py checks the result.
"""

import streamlit as st

# 6.7:1 on white, 5.9:1 on the widgets' grey (#f1f0ee); the theme's accent is 6.9:1.
MUTED = "#5e5c5a"
ACCENT = "#2f5d8a"
# WCAG 2.5.8: a target is at least 24 x 24 CSS px (or spaced so a 24 px circle fits).
TARGET_PX = 24

CSS = f"""
<style>
/* 1.4.3 contrast: captions (Streamlit 1.67 draws them at opacity 0.6, 2.7:1 whatever the colour),
   help text under widgets, placeholders, the file uploader's limits. */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stWidgetLabel"] + div small, [data-testid="stFileUploaderDropzoneInstructions"] small,
[data-testid="InputInstructions"], [data-testid="stNavSectionHeader"] {{
  color: {MUTED}; opacity: 1; }}
input::placeholder, textarea::placeholder {{ color: {MUTED}; opacity: 1; }}

/* 2.4.7 focus visible: one ring for whatever has keyboard focus, also where Streamlit shows none
   (links in text, tabs, expander headers, the radio and checkbox labels around hidden inputs). */
:is(a, button, summary, [role="tab"], [role="button"], [role="option"],
    [tabindex]:not([tabindex="-1"])):focus-visible {{
  outline: 2px solid {ACCENT}; outline-offset: 2px; }}
/* The page's scroll region (Streamlit's main element, tabindex 0: a Tab stop so the keyboard
   can scroll it) fills the viewport: a ring outside it would be off screen, and Streamlit's own
   is a pale grey of 1.5:1. Draw the ring inside its edge. */
main[data-testid="stMain"][tabindex]:focus-visible {{ outline-offset: -2px; }}
:is([data-baseweb="radio"], [data-baseweb="checkbox"]):has(input:focus-visible) {{
  outline: 2px solid {ACCENT}; outline-offset: 2px; border-radius: 4px; }}

/* 2.4.11 focus not obscured: scrolling to a focused field leaves room for the fixed header at
   the top and for sticky bars at the bottom (the scorecard's status). */
html, [data-testid="stMain"], [data-testid="stAppViewContainer"],
[data-testid="stAppScrollToBottomContainer"] {{
  scroll-padding-top: 4.5rem; scroll-padding-bottom: 6rem; }}

/* 2.5.8 target size: radio and checkbox rows, links in the main area and small icon buttons are
   at least {TARGET_PX} px high. */
[data-baseweb="radio"], [data-baseweb="checkbox"] {{ min-height: {TARGET_PX}px; }}
[data-testid="stMain"] :is([data-testid="stPageLink-NavLink"], [data-testid="stLinkButton"] a) {{
  min-height: {TARGET_PX}px; }}
[data-testid="stMain"] button {{ min-height: {TARGET_PX}px; min-width: {TARGET_PX}px; }}

/* Plain tables drawn as HTML (ui.text.html_table: the candidate's score grid, a submitted
   scorecard), drawn like st.table's, the caption under it in the captions' colour; wider than
   a phone, a table scrolls inside its box. */
.sl-table {{ overflow-x: auto; }}
.sl-table + .sl-table {{ margin-top: 1rem; }}
.sl-table table {{ border-collapse: collapse; width: 100%; font-size: 0.875rem; }}
.sl-table :is(th, td) {{ border: 1px solid #e6e6e6; padding: 0.25rem 0.375rem;
  text-align: left; vertical-align: top; white-space: pre-wrap; }}
.sl-table th {{ font-weight: 400; }}
.sl-table thead th, .sl-table tr.mean :is(th, td) {{ font-weight: 600; }}
.sl-table caption {{ caption-side: bottom; text-align: left; color: {MUTED};
  font-size: 0.875rem; padding-top: 0.5rem; }}
.sl-table td.sl-strip {{ width: 45%; min-width: 5rem; vertical-align: middle; }}
.sl-ranking-chart td:not(.sl-strip) {{ white-space: nowrap; }}
/* On a phone a long name or word breaks anywhere rather than widen the table past the
   screen. */
:is(.sl-ranking-chart, .sl-compare) th, .sl-compare td {{ overflow-wrap: anywhere; }}
/* A row of figures drawn as HTML (ui.text.html_stats), like st.metric's: label, large value,
   a note in the captions' colour; as many to a line as fit (two on a phone). */
.sl-stats {{ margin-bottom: 0.5rem; }}
.sl-stats dl {{ margin: 0; padding: 0; }}
.sl-stats dd {{ margin: 0; }}
.sl-figures {{ display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; }}
.sl-stat {{ flex: 1 1 7rem; min-width: 0; }}
.sl-stat dt {{ font-size: 0.875rem; font-weight: 400; }}
.sl-stat .sl-value {{ font-size: 1.75rem; line-height: 1.4; overflow-wrap: anywhere; }}
.sl-stat .sl-note, .sl-stats details {{ font-size: 0.875rem; color: {MUTED}; }}
.sl-stats details {{ margin-top: 0.25rem; }}
.sl-stats summary {{ cursor: pointer; min-height: {TARGET_PX}px; }}
.sl-stats details dt {{ font-weight: 600; margin-top: 0.25rem; }}
.sl-track {{ position: relative; height: 1.25rem; margin: 0 0.4rem; }}
.sl-track span {{ position: absolute; top: 50%; }}
.sl-track .sl-tick {{ top: 0; bottom: 0; width: 1px; background: #d5d5d5; }}
.sl-track .sl-interval {{ height: 4px; margin-top: -2px; background: {ACCENT}; }}
.sl-track .sl-point {{ width: 0.8rem; height: 0.8rem; margin: -0.4rem 0 0 -0.4rem;
  border-radius: 50%; background: {ACCENT}; border: 2px solid #ffffff; }}
</style>
"""


def inject() -> None:
    """Add the stylesheet to this run's page (no visible element, no space taken)."""
    st.html(CSS)
