"""The French catalogue is complete for the code, consistent, compiles; numbers, money and dates
come out the French and the English way (issue 13, points 1 and 3)."""

import gettext
import shutil
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from babel.messages.mofile import write_mo
from babel.numbers import format_decimal

from services import i18n
from services.stats.ranking import ranking_sentence
from tests.conftest import ROOT
from tests.i18n_catalogue import (
    catalogue,
    extracted,
    placeholders,
    product_files,
    translations,
)

# Every file babel.cfg names, one test per file, so a missing translation names its file.
CHECKED = product_files()


def _space(text: str) -> str:
    """Babel's French separators (no-break and narrow no-break spaces) as plain spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_every_checked_file_is_one_babel_extracts():
    assert set(CHECKED) <= set(product_files())


@pytest.mark.parametrize("rel", CHECKED)
def test_every_message_of_the_file_has_a_french_translation(rel):
    known = translations("fr")
    missing = []
    for line, msgid in extracted(rel):
        key = msgid if isinstance(msgid, str) else msgid[0]
        entry = known.get(key)
        if entry is None:
            missing.append(f"{rel}:{line}: {key!r}")
        elif isinstance(msgid, tuple) and isinstance(entry.string, str):
            missing.append(f"{rel}:{line}: {key!r} needs its plural forms")
    assert not missing, "untranslated (tools/i18n_part.py, then fill the msgstr):\n" + "\n".join(
        missing)


def test_translations_keep_the_placeholders_of_their_message():
    wrong = []
    for message in catalogue("fr"):
        if not message.id or not message.string:
            continue
        if isinstance(message.id, str):
            if placeholders(message.string) != placeholders(message.id):
                wrong.append(f"{message.id!r} -> {message.string!r}")
            continue
        singular, plural = message.id[0], message.id[-1]
        expected = placeholders(singular) | placeholders(plural)
        for form in message.string:
            used = placeholders(form)
            # A singular form may spell the number out ("une fiche" for n = 1).
            if not (used <= expected and expected - {"n"} <= used):
                wrong.append(f"{singular!r} -> {form!r}")
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_set_up_compiles_messages_po(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locale")
    mo = i18n.compile_catalogue("fr")
    assert mo == tmp_path / "locale" / "fr" / "LC_MESSAGES" / "messages.mo"
    with mo.open("rb") as fh:
        fr = gettext.GNUTranslations(fh)
    assert fr.gettext("95% interval") == "Intervalle à 95 %"


def test_the_whole_catalogue_compiles_and_translates():
    buffer = BytesIO()
    write_mo(buffer, catalogue("fr"))
    buffer.seek(0)
    fr = gettext.GNUTranslations(buffer)
    assert fr.gettext("Log out everywhere") == "Se déconnecter partout"
    assert fr.ngettext("{n} position.", "{n} positions.", 1) == "{n} poste."
    assert fr.ngettext("{n} position.", "{n} positions.", 2) == "{n} postes."


def test_the_app_translates_in_the_chosen_language():
    with i18n.language("fr"):
        assert i18n._("My account") == "Mon compte"
        assert i18n.ngettext("{n} position.", "{n} positions.", 3) == "{n} postes."
    with i18n.language("en"):
        assert i18n._("My account") == "My account"


@pytest.mark.parametrize(("lang", "euro", "dollars"), [
    ("fr", "62 000 €", "62 000 $"),
    ("en", "€62,000", "$62,000"),
])
def test_money_the_languages_way(lang, euro, dollars):
    with i18n.language(lang):
        assert _space(i18n.money(62000, "EUR")) == euro
        assert _space(i18n.money(62000, "CAD")) == dollars


@pytest.mark.parametrize(("lang", "text", "big"), [("fr", "3,50", "1 234,5"),
                                                   ("en", "3.50", "1,234.5")])
def test_decimals_the_languages_way(lang, text, big):
    with i18n.language(lang):
        assert i18n.decimal(3.5, 2) == text
        assert _space(i18n.number(1234.5, 1)) == big
        assert i18n.decimal(None) == "—"


def test_decimals_are_babels_text_of_the_rounded_value_in_each_language_and_sign():
    """decimal() keeps the texts it made (services.i18n._decimal_text): the kept text is the
    one Babel writes for that language, that rounding and that sign, whatever came first; and a
    number as large as a float holds is written, not refused (Babel's default 28-digit decimal
    context raised InvalidOperation on 1e308)."""
    values = [3.5, 2.675, -0.001, 0.001, -0.0, 0.0, -2.5, 4.444, 4.445]
    for lang in ("en", "fr", "en"):
        with i18n.language(lang):
            for digits in (2, 1, 0):
                for value in values:
                    pattern = "0" + ("." + "0" * digits if digits else "")
                    assert i18n.decimal(value, digits) == format_decimal(
                        round(value, digits), format=pattern, locale=i18n.babel_locale())
            assert i18n.decimal(-0.001) == i18n.decimal(-0.0) != i18n.decimal(0.0)
    with i18n.language("fr"):
        assert i18n.decimal(1e308) == "1" + "0" * 308 + ",00"
        assert _space(i18n.number(1e308, 1)).startswith("100 000 000 ")
        assert i18n.decimal(-1e308, 0) == "-1" + "0" * 308


def test_dates_in_french_month_names_and_the_users_time_zone():
    # 02:30 UTC on 1 December is still 30 November, 21:30, in Toronto.
    moment = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)
    with i18n.language("fr", "America/Toronto"):
        assert i18n.date_(moment, "long") == "30 novembre 2026"
        assert _space(i18n.datetime_(moment)) == "30 nov. 2026, 21:30"
    with i18n.language("en", "America/Toronto"):
        assert i18n.date_(moment, "long") == "November 30, 2026"
        # A moment said with its zone (a submission time beside an interview's zoned time).
        assert _space(i18n.datetime_(moment, "zoned")) == "30 Nov 2026, 21:30 EST"
    with i18n.language("en", "UTC"):
        assert _space(i18n.datetime_(moment, "zoned")) == "1 Dec 2026, 02:30 UTC"
    with i18n.language("fr", "Europe/Paris"):
        assert i18n.date_(moment, "long") == "1 décembre 2026"
        assert i18n.date_(date(2026, 7, 14), "long") == "14 juillet 2026"


def test_ui_when_follows_language_and_time_zone():
    from ui.widgets import money, when

    moment = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    with i18n.language("fr", "America/Toronto"):
        assert _space(when(moment)) == "mar. 1 déc. 2026, 09:00"
        assert _space(money(62000, "EUR")) == "62 000 €"
        assert when(None) == "—"
    with i18n.language("en", "UTC"):
        assert when(moment) == "Tue 1 Dec 2026, 14:00"


def test_browser_tags_map_to_the_apps_languages():
    assert i18n.normalise("fr-CA") == "fr" and i18n.normalise("fr_FR") == "fr"
    assert i18n.normalise("EN-us") == "en"
    assert i18n.normalise("de-DE") is None and i18n.normalise(None) is None


def test_a_label_and_its_text_take_the_languages_colon():
    colon = i18n.colon
    with i18n.language("fr"):
        assert colon("Recommandation", "partagée") == "Recommandation\u00a0: partagée"
        assert colon("Le candidat a demandé") == "Le candidat a demandé\u00a0:"
    with i18n.language("en"):
        assert colon("Recommendation", "split") == "Recommendation: split"
        assert colon("The candidate asked") == "The candidate asked:"


@pytest.mark.parametrize(("text", "elided"), [
    ("les notes ne séparent pas Cara de Émilie", "les notes ne séparent pas Cara d’Émilie"),
    ("Une copie de Analyste de données", "Une copie d’Analyste de données"),
    ("plus forte que Ana", "plus forte qu’Ana"),
    ("De Olivier", "D’Olivier"),
    ("de Hugo, de Yves", "d’Hugo, d’Yves"),            # mute h; y before a consonant
    ("de Yann, de haut, de Bruno, de 8", "de Yann, de haut, de Bruno, de 8"),
    ("la garde Émilie, Sade Ana", "la garde Émilie, Sade Ana"),  # "de" inside a word
])
def test_french_elides_de_and_que_before_a_vowel_or_mute_h(text, elided):
    assert i18n.elide(text, "fr") == elided


def test_elision_is_french_only_and_follows_the_current_language():
    assert i18n.elide("Ana de Armas", "en") == "Ana de Armas"
    with i18n.language("fr"):
        assert i18n.elide("de Émilie") == "d’Émilie"
    with i18n.language("en"):
        assert i18n.elide("de Émilie") == "de Émilie"


def test_the_ranking_sentence_elides_before_a_vowel_in_french():
    with i18n.language("fr"):
        text = ranking_sentence(["Émilie", "Cara", "Dan"], ["a", "ab", "b"])
    assert "de Émilie" not in text and "d’Émilie" in text


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_tally_says_each_recommendation_with_the_words_its_label_uses(lang):
    """"2 oui ferme" in the ranking and "Oui ferme" on the card: one vocabulary, not two."""
    from models import Recommendation, label
    from services.stats.agenda import tally_texts

    with i18n.language(lang):
        _sep, _each, words = tally_texts()
        for rec in Recommendation:
            assert words[rec.value] == label(rec.value).lower(), rec
