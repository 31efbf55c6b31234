"""`hayna consultations` as an operator runs it: a consultation created from a JSON file (each
mistake said in one line naming where it is), published, listed and its results read as a
table and as a CSV after residents answered in the chat."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pypdfium2
import pytest

from tests.support.cli import Ran
from tests.support.cli import run as in_process

CLOSES = f"{(date.today() + timedelta(days=10)).isoformat()} 18:00"
CONSULTATION: dict[str, Any] = {
    "commune": "141.01.61",
    "asked_by": "Association Nour",
    "title": {"fr": "Nos priorités", "ar": "أولوياتنا"},
    "purpose": {"fr": "Préparer le budget participatif."},
    "opens": "now",
    "closes": CLOSES,
    "questions": [
        {"kind": "one", "prompt": {"fr": "Le plus urgent ?"},
         "options": [{"fr": "Éclairage"}, {"fr": "Eau"}]},
        {"kind": "scale", "prompt": {"fr": "Satisfaction ?"}, "optional": True},
    ],
}  # fmt: skip


@pytest.fixture
def hayna():
    def run(path: Path, *args: str) -> Ran:
        return in_process(path, *args, HAYNA_SECRET_KEY="k" * 40)

    return run


def written(tmp_path: Path, **changed: Any) -> str:
    path = tmp_path / "consultation.json"
    path.write_text(json.dumps({**CONSULTATION, **changed}, ensure_ascii=False), "utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("changed", "said"),
    [
        ({"questions": [{"kind": "poll", "prompt": {"fr": "?"}}]}, "questions[0].kind: 'poll'"),
        ({"title": "Nos priorités"}, "title: texts by language"),
        ({"closes": "hier"}, "closes:"),
        ({"questions": []}, "at least one question"),
        ({"questions": [{"kind": "rank", "prompt": {"fr": "?"}, "options": [{"fr": "a"}]}]},
         "question 1: one, several and rank questions have 2 to 12 options"),
        ({"title": {"de": "Prioritäten"}}, "texts are written in ar, fr, zgh, en only"),
    ],
)  # fmt: skip
def test_a_mistake_in_the_file_is_said_in_one_line(
    tmp_path: Path, hayna, changed: dict[str, Any], said: str
) -> None:
    result = hayna(tmp_path, "consultations", "create", written(tmp_path, **changed))
    assert result.returncode == 2 and said in result.stderr, result.stderr
    assert hayna(tmp_path, "consultations", "list").stdout.strip() == "no consultations"


def test_created_published_answered_and_counted(tmp_path: Path, hayna) -> None:
    made = hayna(tmp_path, "consultations", "create", written(tmp_path))
    assert made.returncode == 0, made.stderr
    number = made.stdout.strip()
    published = hayna(tmp_path, "consultations", "publish", number)
    assert published.stdout.strip() == f"consultation {number}: open"
    again = hayna(tmp_path, "consultations", "publish", number)
    assert again.returncode == 2
    for user in ("amina", "omar"):
        script = tmp_path / f"{user}.txt"
        # Onboarded in Ben M'Sick, then Menu → Consultations, the first, its two questions.
        script.write_text(
            "\n".join(["salam", "2", "1", "ben msick", "1", "consultations", "1", "1",
                       "2" if user == "amina" else "1", "٤"]), "utf-8",
        )  # fmt: skip
        chat = hayna(tmp_path, "chat", "--as", user, "--script", str(script))
        assert chat.returncode == 0, chat.stderr
    listed = hayna(tmp_path, "consultations", "list").stdout
    assert "open" in listed and "2/2" in listed and "Nos priorités" in listed
    shown = hayna(tmp_path, "consultations", "results", number).stdout
    assert "Éclairage" in shown and "mean" in shown
    out = tmp_path / "results.csv"
    hayna(tmp_path, "consultations", "results", number, "--format", "csv", "--output", str(out))
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8"))))
    assert ["", "", "Éclairage", "1", "50%", ""] in rows and ["", "", "Eau", "1", "50%", ""] in rows
    assert ["", "", "mean", "4.00", "", ""] in rows
    # None was reached by a push: both found it in the menu, and both completed it.
    assert ["participation", "", "completed", "2", "100%", ""] in rows
    # Two answers in Ben M'Sick: each cell of its breakdown is under 5, so none is shown.
    assert ["  by commune: Ben M'Sick", "", "Éclairage", "fewer than 5", "", ""] in rows
    pdf = tmp_path / "results.pdf"
    made_pdf = hayna(
        tmp_path, "consultations", "results", number, "--format", "pdf", "--output", str(pdf)
    )
    assert made_pdf.returncode == 0, made_pdf.stderr
    document = pypdfium2.PdfDocument(pdf.read_bytes())
    text = "".join(page.get_textpage().get_text_range() for page in document)
    for shown in ("Résultats de la consultation", "Nos priorités", "Association Nour",
                  "Le plus urgent", "Moyenne : 4.00", "1 · 50%", "Ben M'Sick"):  # fmt: skip
        assert shown in text, shown
    assert "< 5" in text, "a breakdown's cell under 5 answers is not shown"
    assert "نتائج" in text and "أولوياتنا" in text, "the Arabic heading and title"


def test_a_free_answer_hidden_leaves_the_results(tmp_path: Path, hayna) -> None:
    free = [{"kind": "text", "prompt": {"fr": "Une idée ?"}}]
    made = hayna(tmp_path, "consultations", "create", written(tmp_path, questions=free))
    number = made.stdout.strip()
    hayna(tmp_path, "consultations", "publish", number)
    for user, idea in (("amina", "Un banc devant l'école"), ("omar", "Des insultes")):
        script = tmp_path / f"{user}.txt"
        script.write_text(
            "\n".join(["salam", "2", "1", "ben msick", "1", "consultations", "1", "1", idea]),
            "utf-8",
        )
        assert hayna(tmp_path, "chat", "--as", user, "--script", str(script)).returncode == 0
    shown = hayna(tmp_path, "consultations", "results", number).stdout
    line = next(row for row in shown.splitlines() if "Des insultes" in row)
    answer = line.split("#")[1].split()[0]
    hidden = hayna(tmp_path, "consultations", "hide", number, answer)
    assert hidden.stdout.strip() == f"consultation {number}: answer #{answer} hidden"
    again = hayna(tmp_path, "consultations", "hide", number, answer)
    assert again.returncode == 2 and f"no free answer #{answer} shown" in again.stderr
    shown = hayna(tmp_path, "consultations", "results", number).stdout
    assert "Des insultes" not in shown and "Un banc devant l'école" in shown
    assert re.search(r"hidden\s+1", shown), shown
