"""Compile locale/*/LC_MESSAGES/django.po to .mo with Babel, so no machine needs GNU gettext.

Fails (exit 1) when a catalogue has a syntax error or a format string that does not match
its source, which msgfmt --check would also refuse.
"""

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    failed = False
    for po_path in sorted((ROOT / "locale").glob("*/LC_MESSAGES/django.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
        errors = list(catalog.check())
        for message, problems in errors:
            for problem in problems:
                print(f"{po_path}: {message.id!r}: {problem}", file=sys.stderr)
                failed = True
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            with mo_path.open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
