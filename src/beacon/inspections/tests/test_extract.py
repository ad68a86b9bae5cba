"""Extracting a draft (grades, recommendations, areas for improvement) from inspection reports."""

from __future__ import annotations

import html
import json
from io import BytesIO, StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beacon.core.errors import ValidationFailed
from beacon.inspections.extract import extract_file, extract_text, pdf_to_text

SAMPLES = Path(__file__).resolve().parents[4] / "testdata"
SAMPLE = SAMPLES / "inspection-report-sample.txt"
TITLE = "Wessex Constabulary \u2013 HMIC Inspection Report"
DATE = "March 2009"
DEBRIS = ("HMIC Inspection Report", DATE, "Page ")

EXPECTED_GRADES = [
    {
        "area": "Neighbourhood Policing",
        "grade": "Good",
        "national_distribution": {"Excellent": 5, "Good": 18, "Fair": 19, "Poor": 1},
    },
    {
        "area": "Call handling",
        "grade": "Fair",
        "national_distribution": {"Excellent": 3, "Good": 22, "Fair": 16, "Poor": 2},
    },
    {
        "area": "Missing persons",
        "grade": "Poor",
        "national_distribution": {"Excellent": 2, "Good": 19, "Fair": 20, "Poor": 2},
    },
]
EXPECTED_RECS = [
    (
        1,
        "Neighbourhood Policing",
        "That the force records the time neighbourhood officers and PCSOs spend away from their "
        "neighbourhoods and reports it to the force performance meeting each month.",
    ),
    (
        2,
        "Call handling",
        "That the force introduces a means of identifying repeat and vulnerable callers at the first point "
        "of contact, and makes the information available to the officers who attend.",
    ),
    (
        3,
        "Missing persons",
        "That the force revises its missing persons policy so that risk is reassessed at set intervals and "
        "each review is recorded by a supervisor.",
    ),
    (
        4,
        "Missing persons",
        "That the force keeps a single record of repeat missing persons and shares it with partner agencies "
        "under an information sharing agreement.",
    ),
]
EXPECTED_AFIS = [
    (
        "Neighbourhood Policing",
        "Neighbourhood officers are frequently taken away from their neighbourhoods to cover response "
        "shifts, and the force cannot say how often this happens or for how long.",
    ),
    (
        "Neighbourhood Policing",
        "Problem solving plans are kept on local drives and are not shared between areas, so good practice "
        "in one area is not known in another.",
    ),
    (
        "Call handling",
        "Call handlers do not ask callers reporting anti-social behaviour whether they have reported it "
        "before, and the command and control system does not tell them. As a result repeat victims are not "
        "identified at the first point of contact.",
    ),
    (
        "Call handling",
        "Supervisors rarely listen to calls or review incident logs; of 100 logs examined, four showed "
        "evidence of supervision.",
    ),
    (
        "Missing persons",
        "The missing persons policy does not set out how risk should be reassessed as an enquiry goes on, "
        "and reviews by supervisors were missing from 11 of the 30 high-risk cases examined.",
    ),
    (
        "Missing persons",
        "There is no single record of people who go missing repeatedly, so patterns are not spotted and "
        "partner agencies are not told.",
    ),
]


@pytest.fixture(scope="module")
def sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def assert_sample_draft(draft: dict[str, Any]) -> None:
    assert list(draft) == ["grades", "recommendations", "areas_for_improvement"]
    assert draft["grades"] == EXPECTED_GRADES
    assert [(r["number"], r["area"], r["text"]) for r in draft["recommendations"]] == EXPECTED_RECS
    assert [(a["area"], a["text"]) for a in draft["areas_for_improvement"]] == EXPECTED_AFIS
    assert_no_debris(draft)


def assert_no_debris(draft: dict[str, Any]) -> None:
    for item in draft["recommendations"] + draft["areas_for_improvement"]:
        for debris in DEBRIS:
            assert debris not in item["text"], item


def cut(text: str, before: str, debris: str) -> str:
    """`text` with page furniture inserted just before `before` (which must occur exactly once)."""
    assert text.count(before) == 1, before
    return text.replace(before, f"\n\n{debris}\n\n{before}")


# --- the sample report -------------------------------------------------------------------------------


def test_sample_report(sample_text: str) -> None:
    draft = extract_text(sample_text)
    assert len(draft["grades"]) == 3
    assert len(draft["recommendations"]) == 4
    assert len(draft["areas_for_improvement"]) == 6
    assert_sample_draft(draft)


def test_sample_values_are_ints_and_grades_title_case(sample_text: str) -> None:
    draft = extract_text(sample_text)
    for g in draft["grades"]:
        assert g["grade"] in {"Good", "Fair", "Poor"}
        assert all(type(v) is int for v in g["national_distribution"].values())
    assert all(type(r["number"]) is int for r in draft["recommendations"])


def test_sample_read_from_file_matches_text(sample_text: str) -> None:
    assert extract_file(SAMPLE) == extract_text(sample_text)


def test_header_and_footer_cutting_paragraphs_are_removed_and_the_paragraph_joined(sample_text: str) -> None:
    furniture = [f"{TITLE}\n\nPage {n} of 12\n\n{DATE}" for n in (3, 5, 8, 11)]
    # In an AFI, the rest starting lower-case.
    text = cut(sample_text, "cannot say how often this happens", furniture[0])
    # In recommendation 1 in the closing list, the rest starting upper-case.
    rec_1_rest = "PCSOs spend away from their neighbourhoods and reports it to the force performance meeting"
    text = cut(text, f"{rec_1_rest} each month.\n\nCall handling", furniture[1])
    # In inline recommendation 3.
    text = cut(
        text,
        "reassessed at set intervals and each review is recorded by a supervisor.\n\nThere",
        furniture[2],
    )
    # In the AFI just before inline recommendation 4.
    text = cut(text, "partner agencies are not told.", furniture[3])
    assert_sample_draft(extract_text(text))


def test_inline_recommendation_cut_is_joined_when_there_is_no_closing_list(sample_text: str) -> None:
    text = sample_text[: sample_text.rindex("\nRecommendations\n")]
    text = cut(text, "makes the information available to the officers who attend.", f"{DATE}\n\n{TITLE}")
    draft = extract_text(text)
    assert [(r["number"], r["area"], r["text"]) for r in draft["recommendations"]] == EXPECTED_RECS
    assert [(a["area"], a["text"]) for a in draft["areas_for_improvement"]] == EXPECTED_AFIS


def test_without_closing_list_recommendations_take_their_section(sample_text: str) -> None:
    text = sample_text[: sample_text.rindex("\nRecommendations\n")]
    draft = extract_text(text)
    assert [(r["number"], r["area"]) for r in draft["recommendations"]] == [
        (1, "Neighbourhood Policing"),
        (2, "Call handling"),
        (3, "Missing persons"),
        (4, "Missing persons"),
    ]
    assert draft["grades"] == EXPECTED_GRADES


def test_section_distribution_is_used_when_the_national_table_lacks_the_area(sample_text: str) -> None:
    text = sample_text.replace("Missing persons\t2\t19\t20\t2\n", "")
    assert extract_text(text)["grades"] == EXPECTED_GRADES


def test_recommendation_only_in_the_closing_list_is_kept(sample_text: str) -> None:
    extra = "\n\nRecommendation 5\n\nThat the force publishes its missing persons data each quarter.\n"
    text = sample_text.replace("\n\nAppendix:", extra + "\nAppendix:")
    recs = extract_text(text)["recommendations"]
    assert [r["number"] for r in recs] == [1, 2, 3, 4, 5]
    assert recs[-1]["area"] == "Missing persons"


def test_without_force_summary_sections_give_the_grades(sample_text: str) -> None:
    start = sample_text.index("Force summary of judgements\n\nNeighbourhood Policing\tGrade")
    end = sample_text.index("\n\nNeighbourhood Policing\n\nGRADE")
    draft = extract_text(sample_text[:start] + sample_text[end:])
    missing = "Protecting Vulnerable People \u2013 Missing Persons"
    assert [(g["area"], g["grade"]) for g in draft["grades"]] == [
        ("Neighbourhood Policing", "Good"),
        ("Call Handling", "Fair"),
        (missing, "Poor"),
    ]
    assert [g["national_distribution"] for g in draft["grades"]] == [
        g["national_distribution"] for g in EXPECTED_GRADES
    ]
    assert [r["area"] for r in draft["recommendations"]] == [
        "Neighbourhood Policing",
        "Call Handling",
        missing,
        missing,
    ]
    assert [a["text"] for a in draft["areas_for_improvement"]] == [text for _, text in EXPECTED_AFIS]


def test_closing_list_with_an_introduction(sample_text: str) -> None:
    intro = "\n\nRecommendations\n\nThe force should act on the following recommendations.\n\n"
    text = sample_text.replace("\n\nRecommendations\n\nNeighbourhood", intro + "Neighbourhood")
    extra = "\n\nRecommendation 5\n\nThat the force publishes its missing persons data each quarter.\n"
    recs = extract_text(text.replace("\n\nAppendix:", extra + "\nAppendix:"))["recommendations"]
    assert [(r["number"], r["area"], r["text"]) for r in recs[:4]] == EXPECTED_RECS
    assert recs[4] == {
        "number": 5,
        "text": "That the force publishes its missing persons data each quarter.",
        "area": "Missing persons",
    }


# --- a PEEL-style report -----------------------------------------------------------------------------

PEEL_REPORT = """\
Northshire Police | PEEL Inspection 2016

PEEL: Police effectiveness 2016

Northshire Police | PEEL Inspection 2016

Page 1 of 3

National summary of judgements

\tOutstanding\tGood\tAdequate\tRequires improvement\tInadequate
Preventing crime and tackling anti-social behaviour\t4\t28\t8\t3\t0
Protecting vulnerable people\t1\t12\t18\t10\t2

Force summary of judgements

Effectiveness\tGrade
Preventing crime and tackling anti-social behaviour\tRequires improvement
Investigating crime\tAdequate
Protecting vulnerable people\tInadequate
Tackling serious and organised crime\tOutstanding

Preventing crime and tackling anti-social behaviour

GRADE\tREQUIRES IMPROVEMENT

Areas for improvement

The force does not evaluate its crime prevention work, so it cannot tell which tactics reduce demand.

RECOMMENDATION 1

Within six months, the force should evaluate its neighbourhood problem-solving work and share

Northshire Police | PEEL Inspection 2016

Page 2 of 3

what works with every local policing area.

Investigating crime

GRADE\tADEQUATE

National grade distribution

Outstanding\tGood\tAdequate\tRequires improvement\tInadequate
2\t30\t9\t1\t1

Strengths

Investigations are allocated to officers with the right skills.

Areas for improvement

Supervisors do not always review investigation plans, and some victims are not kept informed.

Protecting vulnerable people - domestic abuse

GRADE\tINADEQUATE

Areas for improvement

Officers do not complete risk assessments at a third of domestic abuse incidents.

Cause of concern

The force does not understand the scale of the risk to vulnerable people.

RECOMMENDATION 2

The force should immediately ensure that a risk assessment is completed at every domestic abuse incident.

Tackling serious and organised crime

GRADE\tOUTSTANDING

National grade distribution

Outstanding\tGood\tAdequate\tRequires improvement\tInadequate
5\t25\t11\t2\t0

Strengths

The force disrupts organised crime groups effectively.

Northshire Police | PEEL Inspection 2016

Page 3 of 3
"""


def test_peel_report() -> None:
    draft = extract_text(PEEL_REPORT)
    peel = ["Outstanding", "Good", "Adequate", "Requires improvement", "Inadequate"]
    assert draft["grades"] == [
        {
            "area": "Preventing crime and tackling anti-social behaviour",
            "grade": "Requires improvement",
            "national_distribution": dict(zip(peel, [4, 28, 8, 3, 0], strict=True)),
        },
        {
            "area": "Investigating crime",
            "grade": "Adequate",
            "national_distribution": dict(zip(peel, [2, 30, 9, 1, 1], strict=True)),
        },
        {
            "area": "Protecting vulnerable people",
            "grade": "Inadequate",
            "national_distribution": dict(zip(peel, [1, 12, 18, 10, 2], strict=True)),
        },
        {
            "area": "Tackling serious and organised crime",
            "grade": "Outstanding",
            "national_distribution": dict(zip(peel, [5, 25, 11, 2, 0], strict=True)),
        },
    ]
    assert draft["recommendations"] == [
        {
            "number": 1,
            "text": "Within six months, the force should evaluate its neighbourhood problem-solving work and "
            "share what works with every local policing area.",
            "area": "Preventing crime and tackling anti-social behaviour",
        },
        {
            "number": 2,
            "text": "The force should immediately ensure that a risk assessment is completed at every "
            "domestic abuse incident.",
            "area": "Protecting vulnerable people",
        },
    ]
    assert [(a["area"], a["text"][:40]) for a in draft["areas_for_improvement"]] == [
        ("Preventing crime and tackling anti-social behaviour", "The force does not evaluate its crime pr"),
        ("Investigating crime", "Supervisors do not always review investi"),
        ("Protecting vulnerable people", "Officers do not complete risk assessment"),
    ]
    for item in draft["recommendations"] + draft["areas_for_improvement"]:
        assert "PEEL Inspection" not in item["text"] and "Page" not in item["text"]


# --- PDF ---------------------------------------------------------------------------------------------


def sample_pdf(text: str) -> bytes:
    """The sample as a PDF: paragraphs as <p>, tab-separated lines as table rows, and the report title
    and date as a real page header and footer on every (small) page, so pages break mid-paragraph."""
    from weasyprint import HTML

    parts = []
    for block in (b.strip("\n") for b in text.split("\n\n")):
        if not block.strip() or block.strip() in (TITLE, DATE):
            continue
        lines = block.split("\n")
        if any("\t" in line for line in lines):
            rows = "".join(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in line.split("\t")) + "</tr>"
                for line in lines
            )
            parts.append(f"<table>{rows}</table>")
        else:
            parts.extend(f"<p>{html.escape(line)}</p>" for line in lines)
    css = (
        f'@page {{ size: A6; margin: 1.5cm 1cm; @top-center {{ content: "{TITLE}"; font-size: 7pt }}'
        f' @bottom-center {{ content: "{DATE}"; font-size: 7pt }} }}'
        " body { font-size: 9pt; orphans: 1; widows: 1 } td { padding: 0 0.5em }"
    )
    page = (
        f"<html><head><meta charset='utf-8'><style>{css}</style></head><body>{''.join(parts)}</body></html>"
    )
    return bytes(HTML(string=page).write_pdf())


@pytest.fixture(scope="module")
def pdf_path(sample_text: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "wessex.pdf"
    path.write_bytes(sample_pdf(sample_text))
    return path


def test_pdf_text_has_pages_and_page_furniture(pdf_path: Path) -> None:
    text = pdf_to_text(pdf_path.read_bytes())
    assert text.count("\f") >= 3
    assert text.count(TITLE) >= 4 and text.count(DATE) >= 4


def test_pdf_gives_the_same_draft_as_text(pdf_path: Path, sample_text: str) -> None:
    draft = extract_file(pdf_path)
    assert draft == extract_text(sample_text)
    assert_sample_draft(draft)


def test_pdf_suffix_is_case_insensitive(pdf_path: Path, tmp_path: Path) -> None:
    upper = tmp_path / "WESSEX.PDF"
    upper.write_bytes(pdf_path.read_bytes())
    assert extract_file(upper)["grades"] == EXPECTED_GRADES


def test_corrupt_pdf_is_refused_clearly(tmp_path: Path) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\nthis is not really a PDF")
    with pytest.raises(ValidationFailed) as exc:
        extract_file(bad)
    assert str(exc.value).startswith("broken.pdf: The file is not a readable PDF")


def test_empty_pdf_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(ValidationFailed, match="not a readable PDF"):
        extract_file(empty)


def test_password_protected_pdf_is_refused(pdf_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=pdf_path)
    writer.encrypt("secret", algorithm="RC4-128")
    out = BytesIO()
    writer.write(out)
    with pytest.raises(ValidationFailed, match="password-protected"):
        pdf_to_text(out.getvalue())


def test_pdf_without_text_is_refused() -> None:
    from weasyprint import HTML

    blank = bytes(HTML(string="<html><body><div style='height:5cm'></div></body></html>").write_pdf())
    with pytest.raises(ValidationFailed, match="contains no text"):
        pdf_to_text(blank)


# --- other inputs ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["report.docx", "report.bin", "report"])
def test_other_file_types_are_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04 not a report")
    with pytest.raises(ValidationFailed, match=r"give the report as a \.txt or \.pdf file"):
        extract_file(path)


def test_binary_content_in_a_txt_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(ValidationFailed, match="not plain text"):
        extract_file(path)


def test_windows_encoded_text_is_read(tmp_path: Path, sample_text: str) -> None:
    path = tmp_path / "report.txt"
    path.write_bytes(sample_text.replace("\n", "\r\n").encode("cp1252"))
    assert_sample_draft(extract_file(path))


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationFailed, match="could not be read"):
        extract_file(tmp_path / "nowhere.txt")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n  \f \n",
        "Shopping list\n\nMilk\n\nEggs\n\nMilk\n\nEggs\n",
        "Areas for improvement\n",
        "Recommendations\n\nRecommendation 1\n",
        "RECOMMENDATION 7\n\nAreas for improvement\n\nGRADE\tGOOD\n",
        "Force summary of judgements\n\nNational summary of judgements\n\nExcellent\tGood\n",
    ],
)
def test_empty_or_non_report_text_gives_empty_lists(text: str) -> None:
    assert extract_text(text) == {"grades": [], "recommendations": [], "areas_for_improvement": []}


# --- the command ---------------------------------------------------------------------------------------


def test_command_json_prints_exactly_the_contract() -> None:
    out = StringIO()
    call_command("inspections", "extract", str(SAMPLE), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert list(data) == ["grades", "recommendations", "areas_for_improvement"]
    assert all(list(g) == ["area", "grade", "national_distribution"] for g in data["grades"])
    assert all(
        list(g["national_distribution"]) == ["Excellent", "Good", "Fair", "Poor"] for g in data["grades"]
    )
    assert all(list(r) == ["number", "text", "area"] for r in data["recommendations"])
    assert all(list(a) == ["area", "text"] for a in data["areas_for_improvement"])
    assert_sample_draft(data)


def test_command_summary_is_readable() -> None:
    out = StringIO()
    call_command("inspections", "extract", str(SAMPLE), stdout=out)
    text = out.getvalue()
    assert (
        "Graded areas (3)" in text and "Recommendations (4)" in text and "Areas for improvement (6)" in text
    )
    assert "Call handling: Fair" in text


def test_command_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        call_command("inspections", "extract", str(tmp_path / "missing.txt"), "--json")


def test_command_refuses_unsupported_file(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(b"PK")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("inspections", "extract", str(path), stderr=err)
    assert ".docx files cannot be read" in err.getvalue()
