"""Demo data for imports: nothing in the database.

The demo is the messy onboarding sheet shipped in `samples/` (CSV and XLSX), linked from the
wizard's upload page, for users to import themselves. Writing its customers here would make the
sample's rows "unchanged" on the first try and hide what the import does.
"""

from datetime import date
from pathlib import Path

from rich.progress import Progress

SAMPLES = Path(__file__).resolve().parent / "samples"


def load(*, seed: int, people, reference: date, progress: Progress) -> str:
    names = [
        name
        for name in ("onboarding-sheet.csv", "onboarding-sheet.xlsx")
        if (SAMPLES / name).exists()
    ]
    return "imports: sample sheets to try in the wizard: " + ", ".join(names)
