"""Showing user text safely.

Streamlit renders Markdown in headers, captions, widget labels and expander titles — including
images, which every viewer's browser would fetch. User text (names, notes, criteria) goes through
`md_escape` before it reaches any of those, or is shown with st.text / st.dataframe.
"""

import html
import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^&])")


def md_escape(value: object) -> str:
    """Text that Markdown will show literally."""
    text = "" if value is None else str(value)
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\n", " ")


def chart_text(value: object) -> str:
    """Text for a plotly label: plotly renders a subset of HTML (links, styles), so escape it."""
    return html.escape("" if value is None else str(value), quote=True)
