"""Session helper: keep a partial French catalogue for some files (folded into messages.po later).

    .venv/bin/python tools/i18n_part.py NAME FILE [FILE ...]

Extracts the marked strings (`_`, `N_`, `ngettext`) of the given files, merges them into
locale/fr/LC_MESSAGES/parts/NAME.po (translations already there are kept), and prints the
msgids still untranslated. services/i18n.py reads the parts beside messages.po, so a translated
string shows in French at once.
"""

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PARTS = ROOT / "locale" / "fr" / "LC_MESSAGES" / "parts"


def main(name: str, files: list[str]) -> int:
    PARTS.mkdir(parents=True, exist_ok=True)
    target = PARTS / f"{name}.po"
    old = Catalog(locale="fr")
    if target.exists():
        with target.open("rb") as fh:
            old = read_po(fh, locale="fr")
    main_po = ROOT / "locale" / "fr" / "LC_MESSAGES" / "messages.po"
    with main_po.open("rb") as fh:
        known = read_po(fh, locale="fr")
    new = Catalog(locale="fr", project="Second Look")
    for path in files:
        for _line, message, _comments, _context in extract_from_file(
                "python", path, keywords=DEFAULT_KEYWORDS):
            msgid = message if isinstance(message, str) else tuple(message)
            key = msgid if isinstance(msgid, str) else msgid[0]
            if not key:
                continue
            previous = old.get(key) or known.get(key)
            string = previous.string if previous is not None else ("" if isinstance(
                msgid, str) else ("", ""))
            new.add(msgid, string)
    for message in old:  # keep translations of strings another file of this part still uses
        if message.id and message.id not in new and message.string:
            new.add(message.id, message.string)
    with target.open("wb") as fh:
        write_po(fh, new, no_location=True, sort_output=True, width=100)
    missing = [m.id for m in new if m.id and not (m.string if isinstance(m.string, str)
                                                  else all(m.string))]
    for msgid in missing:
        print("untranslated:", msgid if isinstance(msgid, str) else msgid[0])
    print(f"{target.relative_to(ROOT)}: {len(new)} messages, {len(missing)} untranslated")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2:]))
