"""Check that the Indonesian catalogue is complete before it is compiled.

Exits 1, listing each offending entry, when an entry of locale/id/LC_MESSAGES/django.po is
untranslated (an empty msgstr or any empty plural form), is marked fuzzy, or uses other
`%(name)s` placeholders than its msgid. Exits 0 otherwise.

    .venv/bin/python scripts/check_messages.py
"""

import re
import sys
from pathlib import Path

from babel.messages.pofile import PoFileError, read_po

ROOT = Path(__file__).resolve().parent.parent
PO_PATH = ROOT / "locale" / "id" / "LC_MESSAGES" / "django.po"

# A named printf-style placeholder: %(name)s, %(count)d, %(price).2f, … ("%%" is removed first).
PLACEHOLDER = re.compile(r"%\([^)]*\)[#0 +\-]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[a-zA-Z]")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text.replace("%%", "")))


def problems_of(message) -> list[str]:
    ids = message.id if isinstance(message.id, (list, tuple)) else (message.id,)
    forms = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
    problems = []
    if message.pluralizable:
        empty = [str(index) for index, form in enumerate(forms) if not form]
        if empty:
            problems.append(f"untranslated plural form msgstr[{', '.join(empty)}]")
    elif not forms[0]:
        problems.append("untranslated")
    if message.fuzzy:
        problems.append("fuzzy")
    # Indonesian has a single plural form, used for every count, so each form must carry the
    # placeholders of the singular and the plural msgid together.
    expected = set().union(*(placeholders(text) for text in ids))
    for index, form in enumerate(forms):
        if not form:
            continue
        found = placeholders(form)
        if found != expected:
            label = f"msgstr[{index}]" if message.pluralizable else "msgstr"
            details = []
            if expected - found:
                details.append(f"missing {', '.join(sorted(expected - found))}")
            if found - expected:
                details.append(f"unknown {', '.join(sorted(found - expected))}")
            problems.append(f"{label} placeholders differ from msgid: {'; '.join(details)}")
    return problems


def main() -> int:
    try:
        with PO_PATH.open("rb") as handle:
            catalog = read_po(handle, abort_invalid=True)
    except (OSError, PoFileError) as error:
        print(f"{PO_PATH}: {error}", file=sys.stderr)
        return 1

    total = 0
    failures = []
    for message in catalog:
        if not message.id:  # the header
            continue
        total += 1
        problems = problems_of(message)
        if problems:
            msgid = message.id[0] if message.pluralizable else message.id
            failures.append(
                f"{PO_PATH.relative_to(ROOT)}:{message.lineno}: {msgid!r}: {'; '.join(problems)}"
            )

    if failures:
        for line in failures:
            print(line, file=sys.stderr)
        print(f"id catalogue: {len(failures)} of {total} messages need work", file=sys.stderr)
        return 1
    print(f"id catalogue: {total} messages, all translated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
