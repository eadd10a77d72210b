"""The default scorecard template of each language a position may be written in.

Three dimensions of a second interview (technical skills, social qualities, company knowledge),
each criterion anchored. The template is data/default_criteria.json: one list of criteria, each
with its dimension and weight once and its texts in every language (the French written for a
Canadian French panel rather than translated word for word), so the languages cannot drift
apart in weights or dimensions. The templates are content stored with a position, not interface
text: a position keeps its criteria whatever language its readers use, so they are not in the
gettext catalogue. services.positions starts a new position from `default_criteria(language)`.
"""

import json

from services import i18n
from services.db import ROOT

TEMPLATE_FILE = ROOT / "data" / "default_criteria.json"
# The texts of a criterion, each given per language in the file.
TEXT_FIELDS = ("name", "description", "anchor_low", "anchor_mid", "anchor_high")


def _templates() -> dict[str, list[dict]]:
    """Per language, the criteria as a position stores them (name, dimension, weight, texts)."""
    criteria = json.loads(TEMPLATE_FILE.read_text(encoding="utf-8"))["criteria"]
    languages = criteria[0]["name"]
    return {lang: [{"name": c["name"][lang], "dimension": c["dimension"], "weight": c["weight"],
                    **{f: c[f][lang] for f in TEXT_FIELDS[1:]}} for c in criteria]
            for lang in languages}


# The default template of each language a position may be written in.
DEFAULT_TEMPLATES: dict[str, list[dict]] = _templates()
# The English template: the starting point of a position in a language without its own.
DEFAULT_CRITERIA: list[dict] = DEFAULT_TEMPLATES["en"]


def default_criteria(language: str | None = "en") -> list[dict]:
    """The default criteria (three dimensions, anchored) for a position in `language`.

    "fr-CA" and "fr" give the French template; an unknown or empty language the English one.
    The dicts are copies: a caller may edit them without changing the default.
    """
    chosen = DEFAULT_TEMPLATES.get(i18n.normalise(language) or "en", DEFAULT_CRITERIA)
    return [dict(c) for c in chosen]
