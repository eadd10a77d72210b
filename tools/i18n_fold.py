"""Session helper: fold the partial catalogues (locale/fr/LC_MESSAGES/parts/*.po) into messages.po.

    .venv/bin/python tools/i18n_fold.py

Run `make i18n` first (messages.po then lists every msgid of the code); this fills each empty
msgstr from the first part that translates it, reports conflicting translations, and deletes the
parts.
"""

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "messages.po"
PARTS = PO.parent / "parts"


def main() -> int:
    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="fr")
    filled = 0
    for part in sorted(PARTS.glob("*.po")):
        with part.open("rb") as fh:
            for message in read_po(fh, locale="fr"):
                if not message.id or not message.string:
                    continue
                target = catalog.get(message.id)
                if target is None:
                    continue  # no longer in the code
                if not target.string or target.string in ("", ("", "")):
                    target.string = message.string
                    target.flags.discard("fuzzy")
                    filled += 1
                elif target.string != message.string:
                    print(f"kept {target.string!r} over {message.string!r} ({part.name})")
    with PO.open("wb") as fh:
        write_po(fh, catalog, no_location=True, sort_output=True, width=100)
    for part in PARTS.glob("*.po"):
        part.unlink()
    missing = [m.id for m in catalog if m.id and not (
        m.string if isinstance(m.string, str) else all(m.string))]
    for msgid in missing:
        print("untranslated:", msgid)
    print(f"{filled} filled, {len(missing)} untranslated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
