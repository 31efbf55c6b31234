"""What Hayna keeps about one resident, section by section, as "my data" shows it and erasure
removes it. Storage fills it; the my-data flow reads it and sends it as a JSON file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# Sections storage gives today; a section added later is shown with its name and count.
PROFILE = "profile"
CONVERSATION = "conversation"
CONSENTS = "consents"
REPORTS = "reports"
SUPPORTS = "supports"
SIGNATURES = "signatures"
NOTICES = "notices"
ORGANIZED = "organized"
GROUPS = "groups"
RSVPS = "meeting_answers"
ORGANIZER = "organizer_roles"
# Copies of "my data" waiting for a platform that attaches by link to fetch them, a few minutes.
DOWNLOADS = "downloads"


@dataclass(frozen=True, slots=True)
class PersonalData:
    """Every row tied to a resident, as plain JSON values; CINs only masked."""

    sections: tuple[tuple[str, tuple[dict[str, Any], ...]], ...]

    def section(self, name: str) -> tuple[dict[str, Any], ...]:
        return next((rows for key, rows in self.sections if key == name), ())

    def to_json(self) -> bytes:
        document = {key: list(rows) for key, rows in self.sections}
        return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")
