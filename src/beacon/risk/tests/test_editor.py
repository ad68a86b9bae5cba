"""The structured editor of a draft version: what its inputs turn into, each problem shown at its input,
a stale save refused keeping what was typed, the buttons that add, remove and move rows, and the JSON
alternative. Posts what the page renders (its inputs read back from the HTML), as a browser would."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from beacon.core.errors import Problem
from beacon.core.models import User
from beacon.core.roles import Role
from beacon.risk import services
from beacon.risk.examples import EXAMPLE_LOCATION_WEIGHTS, EXAMPLE_QUESTIONS, EXAMPLE_THRESHOLDS
from beacon.risk.forms_editor import AnswerRow, DraftEditor, QuestionRow, WeightRow
from beacon.risk.models import InstrumentVersion

pytestmark = pytest.mark.django_db


class _EditorFields(HTMLParser):
    """The name=value pairs the draft editor form would post (buttons left out)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.fields: dict[str, str] = {}
        self._textarea = ""
        self._select = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == "draft-editor"
        if not self.inside:
            return
        name = a.get("name") or ""
        if tag == "input" and name:
            if a.get("type") not in ("checkbox", "radio"):
                self.fields[name] = a.get("value") or ""
            elif "checked" in a:
                self.fields[name] = a.get("value") or "on"
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and (self._select not in self.fields or "selected" in a):
            self.fields[self._select] = a.get("value") or ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = ""
        elif tag == "select":
            self._select = ""


def editor_fields(response: HttpResponse) -> dict[str, str]:
    parser = _EditorFields()
    parser.feed(response.content.decode())
    assert parser.fields, "the page has no draft editor"
    return parser.fields


@pytest.fixture
def admin_client(client_for: Callable[..., Client]) -> Client:
    return client_for(role=Role.ADMIN, username="risk_admin", all_areas=True)


@pytest.fixture
def url(admin_client: Client) -> str:
    """Version 2 of the example instrument, a draft copied from version 1."""
    admin_client.post(reverse("risk:new_draft", args=["asb-vulnerability"]))
    return reverse("risk:version", args=["asb-vulnerability", 2])


def draft() -> InstrumentVersion:
    return InstrumentVersion.objects.get(instrument__name="asb-vulnerability", version=2)


def press(client: Client, url: str, fields: dict[str, str], action: str) -> Any:
    return client.post(url, {**fields, "action": action})


def shown_at(html: str, name: str, message: str) -> bool:
    """The problem is in the error summary linking to input `name`, and under the input."""
    return (
        f'<a href="#id_{name}">{message}' in html
        and f'id="id_{name}-error" class="govuk-error-message"><span class="govuk-visually-hidden">'
        f"Error:</span> {message}"
        in html
    )


# ---------------------------------------------------------------------------------------------
# What the inputs turn into


def test_the_example_instrument_goes_through_the_form_unchanged(admin_client: Client, url: str) -> None:
    fields = editor_fields(admin_client.get(url))
    assert fields["q-1-kind"] == "number" and fields["q-1-max_points"] == "4"
    assert fields["q-3-key"] == "hate" and fields["q-3-yes"] == "4" and fields["q-3-no"] == "0"
    assert fields["q-5-c-2-value"] == "18_to_64" and fields["q-5-c-3-label"] == "65 or over"
    assert "q-13-required" not in fields and fields["q-2-required"] == "on"
    assert fields["w-1-when"] == "neighbourhood_grade:priority" and fields["w-2-when"] == "local_priority"
    assert (fields["thresholds-medium"], fields["thresholds-high"], fields["revision"]) == ("10", "20", "1")

    response = press(admin_client, url, fields, "save")
    assert response.status_code == 302
    saved = draft()
    assert saved.questions == EXAMPLE_QUESTIONS
    assert saved.location_weights == EXAMPLE_LOCATION_WEIGHTS
    assert saved.thresholds == EXAMPLE_THRESHOLDS and saved.revision == 2


def test_a_new_draft_saved_from_the_fields_gives_the_definition(admin_client: Client) -> None:
    admin_client.post(reverse("risk:instrument_new"), {"name": "force-risk", "title": "Force risk"})
    url = reverse("risk:version", args=["force-risk", 1])
    data = {
        "revision": "1",
        "action": "save",
        **{"q-1-key": "afraid", "q-1-text": "Is the victim afraid?", "q-1-help": "", "q-1-kind": "yes_no"},
        **{"q-1-required": "on", "q-1-yes": "3", "q-1-no": "0", "q-1-points_per_unit": "9"},
        **{"q-2-key": "age", "q-2-text": "How old is the victim?", "q-2-help": " Ask them. "},
        **{"q-2-kind": "choice", "q-2-required": "on"},
        **{"q-2-c-1-value": "under_18", "q-2-c-1-label": "Under 18", "q-2-c-1-points": "2"},
        **{"q-2-c-2-value": "", "q-2-c-2-label": "", "q-2-c-2-points": ""},  # a blank row is left out
        **{"q-2-c-3-value": "adult", "q-2-c-3-label": "Adult", "q-2-c-3-points": "0"},
        **{"q-3-key": "incidents", "q-3-text": "How many before?", "q-3-kind": "number"},
        **{"q-3-points_per_unit": "1", "q-3-max_points": "4", "q-3-min": "", "q-3-max": "100"},
        **{"q-4-key": "notes", "q-4-text": "Anything else", "q-4-kind": "text", "q-4-yes": "5"},
        **{"w-1-when": "neighbourhood", "w-1-code": "TN1", "w-1-points": "2", "w-1-label": "Market"},
        **{"w-2-when": "local_priority", "w-2-code": "TN9", "w-2-points": "-1", "w-2-label": ""},
        **{"thresholds-medium": "5", "thresholds-high": "10", "note": "From the pilot"},
    }
    assert admin_client.post(url, data).status_code == 302
    saved = InstrumentVersion.objects.get(instrument__name="force-risk")
    assert saved.questions == [
        {"key": "afraid", "text": "Is the victim afraid?", "kind": "yes_no", "points": {"yes": 3, "no": 0}},
        {
            "key": "age",
            "text": "How old is the victim?",
            "kind": "choice",
            "help": "Ask them.",
            "choices": [{"value": "under_18", "label": "Under 18"}, {"value": "adult", "label": "Adult"}],
            "points": {"under_18": 2, "adult": 0},
        },
        {
            "key": "incidents",
            "text": "How many before?",
            "kind": "number",
            "required": False,
            "points_per_unit": 1,
            "max_points": 4,
            "max": 100,
        },
        {"key": "notes", "text": "Anything else", "kind": "text", "required": False},
    ]
    assert saved.location_weights == [
        {"when": "neighbourhood:TN1", "points": 2, "label": "Market"},
        {"when": "local_priority", "points": -1},
    ]
    assert saved.thresholds == {"medium": 5, "high": 10} and saved.note == "From the pilot"


# ---------------------------------------------------------------------------------------------
# Problems, each at its input


def test_every_problem_is_shown_at_its_input_and_nothing_is_saved(admin_client: Client, url: str) -> None:
    fields = editor_fields(admin_client.get(url))
    fields.update(
        {
            "q-2-key": "incidents_recent",  # question 1's key
            "q-4-text": "",
            "q-5-kind": "choice",
            **{f"q-5-c-{j}-{n}": "" for j in (1, 2, 3, 4) for n in ("value", "label", "points")},
            "q-6-c-1-value": "",
            "q-6-c-1-label": "",
            "q-6-c-1-points": "",
            "q-6-c-2-value": "",  # "a_little", but its label and points are kept
            "q-1-min": "10",
            "q-1-max": "5",
            "w-1-when": "neighbourhood",
            "w-1-code": "",
            "thresholds-medium": "20",
            "note": "x" * 301,
        }
    )
    response = press(admin_client, url, fields, "save")
    html = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in html
    expected = [
        ("q-1-max", "Question 1: max must not be below min."),
        ("q-2-key", "Question 2: The key incidents_recent is used twice."),
        ("q-4-text", "Question 4: Give the question&#x27;s text."),
        ("q-5-c-1-value", "Question 5: A choice question needs a list of choices."),
        ("q-6-c-2-value", "Question 6, answer 2: Give the choice&#x27;s value."),  # answer 1 was blank
        ("w-1-code", "Location weight 1: Give the neighbourhood&#x27;s code after neighbourhood:."),
        ("thresholds-high", "The high threshold must be above the medium one."),
        ("note", "Keep the note to 300 characters."),
    ]
    for name, message in expected:
        assert shown_at(html, name, message), name
    start = html.index("There is a problem")
    summary = html[start : html.index("</ul>", start)]
    assert [summary.index(f'href="#id_{name}"') for name, _ in expected] == sorted(
        summary.index(f'href="#id_{name}"') for name, _ in expected
    ), "the summary follows the order of the page"
    assert 'class="govuk-input govuk-input--width-20 govuk-input--error" id="id_q-2-key"' in html
    kept = editor_fields(response)
    assert kept["q-6-c-2-label"] == "A little" and kept["q-2-key"] == "incidents_recent"
    assert draft().revision == 1 and draft().questions == EXAMPLE_QUESTIONS


def test_a_box_that_is_not_a_whole_number_is_named_with_the_other_problems(
    admin_client: Client, url: str
) -> None:
    fields = editor_fields(admin_client.get(url))
    fields.update({"q-3-yes": "four", "q-5-c-1-points": "2.5", "w-2-points": "", "thresholds-high": "5"})
    response = press(admin_client, url, fields, "save")
    html = response.content.decode()
    assert response.status_code == 400
    assert shown_at(html, "q-3-yes", "Question 3: Enter the points for Yes as a whole number, like 2.")
    assert shown_at(
        html, "q-5-c-1-points", "Question 5, answer 1: Enter the points as a whole number, like 2."
    )
    assert shown_at(html, "w-2-points", "Location weight 2: Give points as a whole number.")
    assert shown_at(html, "thresholds-high", "The high threshold must be above the medium one.")
    assert editor_fields(response)["q-3-yes"] == "four"
    assert draft().revision == 1


def test_a_draft_that_no_longer_checks_is_not_published_and_says_where(
    admin_client: Client, url: str
) -> None:
    InstrumentVersion.objects.filter(pk=draft().pk).update(thresholds={"medium": 5, "high": 5})
    response = admin_client.post(
        reverse("risk:version_publish", args=["asb-vulnerability", 2]), {"revision": "1"}
    )
    assert response.status_code == 400
    assert shown_at(
        response.content.decode(), "thresholds-high", "The high threshold must be above the medium one."
    )
    assert draft().status == "draft"


def test_a_form_without_its_revision_is_refused(admin_client: Client, url: str) -> None:
    fields = editor_fields(admin_client.get(url))
    del fields["revision"]
    response = press(admin_client, url, fields, "save")
    assert response.status_code == 400 and "open the draft again" in response.content.decode()
    assert draft().revision == 1


# ---------------------------------------------------------------------------------------------
# Two administrators editing one draft


def test_a_stale_save_is_refused_keeping_theirs_and_what_was_typed(
    admin_client: Client, url: str, make_user: Callable[..., User]
) -> None:
    fields = editor_fields(admin_client.get(url))
    other = make_user(Role.ADMIN, username="other_admin")
    services.save_draft(
        other,
        draft(),
        questions=EXAMPLE_QUESTIONS,
        location_weights=[],
        thresholds={"medium": 12, "high": 20},
        expected_revision=1,
    )
    fields.update({"thresholds-medium": "7", "thresholds-high": "14", "q-3-yes": "5"})
    response = press(admin_client, url, fields, "save")
    html = response.content.decode()
    assert response.status_code == 409
    assert "Your changes were not saved" in html and "other_admin" in html
    saved = draft()
    assert saved.thresholds == {"medium": 12, "high": 20} and saved.location_weights == []
    assert saved.revision == 2
    kept = editor_fields(response)
    assert (kept["thresholds-medium"], kept["thresholds-high"], kept["q-3-yes"]) == ("7", "14", "5")
    assert kept["revision"] == "2" and "w-1-when" in kept  # what this administrator had, to save again

    assert press(admin_client, url, kept, "save").status_code == 302
    saved = draft()
    assert saved.thresholds == {"medium": 7, "high": 14} and saved.questions[2]["points"]["yes"] == 5


# ---------------------------------------------------------------------------------------------
# The buttons


def test_the_buttons_add_remove_and_move_keeping_what_was_typed(admin_client: Client, url: str) -> None:
    fields = editor_fields(admin_client.get(url))
    fields.update({"thresholds-medium": "8", "q-1-text": "How many incidents before this one?"})

    response = press(admin_client, url, fields, "add-question")
    assert response.status_code == 200 and 'data-testid="unsaved"' in response.content.decode()
    fields = editor_fields(response)
    assert fields["q-14-key"] == "" and fields["q-14-kind"] == "yes_no" and fields["q-14-required"] == "on"
    assert fields["thresholds-medium"] == "8" and fields["q-1-text"] == "How many incidents before this one?"
    fields.update({"q-14-key": "moved_home", "q-14-text": "Has the victim moved home?", "q-14-yes": "2"})

    fields = editor_fields(press(admin_client, url, fields, "up:14"))
    assert (fields["q-13-key"], fields["q-14-key"]) == ("moved_home", "officer_view")
    assert fields["q-13-yes"] == "2"
    fields = editor_fields(press(admin_client, url, fields, "down:1"))
    assert (fields["q-1-key"], fields["q-2-key"]) == ("targeted_before", "incidents_recent")
    fields = editor_fields(press(admin_client, url, fields, "remove-question:3"))  # hate
    assert "hate" not in fields.values() and fields["q-3-key"] == "disability_health"

    assert fields["q-4-key"] == "age"
    fields = editor_fields(press(admin_client, url, fields, "remove-answer:4:4"))  # not known
    assert "q-4-c-4-value" not in fields
    fields = editor_fields(press(admin_client, url, fields, "add-answer:4"))
    assert fields["q-4-c-4-value"] == "" and fields["q-4-c-3-value"] == "65_or_over"
    fields.update({"q-4-c-4-value": "unsure", "q-4-c-4-label": "Would rather not say", "q-4-c-4-points": "1"})

    fields = editor_fields(press(admin_client, url, fields, "remove-weight:1"))
    assert fields["w-1-when"] == "local_priority" and "w-2-when" not in fields
    fields = editor_fields(press(admin_client, url, fields, "add-weight"))
    fields.update({"w-2-when": "neighbourhood", "w-2-code": "TN1", "w-2-points": "2", "w-2-label": "Market"})
    assert draft().revision == 1 and draft().questions == EXAMPLE_QUESTIONS  # nothing saved yet

    assert press(admin_client, url, fields, "save").status_code == 302
    expected = copy.deepcopy(EXAMPLE_QUESTIONS)
    by_key = {q["key"]: q for q in expected}
    by_key["incidents_recent"]["text"] = "How many incidents before this one?"
    age = by_key["age"]
    age["choices"][3] = {"value": "unsure", "label": "Would rather not say"}
    age["points"] = {"under_18": 2, "18_to_64": 0, "65_or_over": 2, "unsure": 1}
    moved = {
        "key": "moved_home",
        "text": "Has the victim moved home?",
        "kind": "yes_no",
        "points": {"yes": 2},
    }
    order = [q["key"] for q in expected if q["key"] != "hate"]
    order[0], order[1] = order[1], order[0]
    saved = draft()
    assert saved.questions == [by_key[k] for k in order[:-1]] + [moved, by_key["officer_view"]]
    assert saved.location_weights == [
        {"when": "local_priority", "points": 1, "label": "Inside an active local priority"},
        {"when": "neighbourhood:TN1", "points": 2, "label": "Market"},
    ]
    assert saved.thresholds == {"medium": 8, "high": 20}


def test_removing_every_question_is_refused_on_save(admin_client: Client, url: str) -> None:
    fields = editor_fields(admin_client.get(url))
    for _ in range(13):
        fields = editor_fields(press(admin_client, url, fields, "remove-question:1"))
    assert not any(name.startswith("q-") for name in fields)
    html = press(admin_client, url, fields, "save").content.decode()
    assert '<a href="#id_questions">Questions are a non-empty list.</a>' in html
    assert 'id="id_questions"' in html  # the "Add a question" button


def test_a_button_naming_no_row_changes_nothing() -> None:
    editor = DraftEditor([QuestionRow(key="a"), QuestionRow(key="b")], [WeightRow()])
    for action in ("up:1", "down:2", "remove-question:3", "remove-answer:1:1", "remove-weight:2", "fly"):
        assert editor.apply(action) is False
    assert [q.key for q in editor.questions] == ["a", "b"] and len(editor.weights) == 1


def test_problems_of_a_definition_are_placed_by_what_the_rows_hold() -> None:
    editor = DraftEditor(
        [QuestionRow(kind="yes_no"), QuestionRow(kind="choice"), QuestionRow(kind="number")],
        [WeightRow(when="neighbourhood"), WeightRow(when="local_priority")],
    )
    editor.questions[1].answers = [AnswerRow(), AnswerRow("a", "A", "1"), AnswerRow("b", "B", "2")]
    assert editor.input_for("questions[1].points") == ("q-1-yes", "Question 1")
    assert editor.input_for("questions[2].points") == ("q-2-c-2-points", "Question 2")
    assert editor.input_for("questions[2].choices[2].label") == ("q-2-c-3-label", "Question 2, answer 3")
    assert editor.input_for("questions[3].points_per_unit") == ("q-3-points_per_unit", "Question 3")
    assert editor.input_for("questions[3]") == ("q-3-key", "Question 3")
    assert editor.input_for("questions[9].key") == ("questions", "")
    assert editor.input_for("location_weights[1].when") == ("w-1-code", "Location weight 1")
    assert editor.input_for("location_weights[2].when") == ("w-2-when", "Location weight 2")
    assert editor.input_for("thresholds") == ("thresholds-medium", "")
    assert editor.input_for("version") == ("", "")
    editor.add_problems(
        [Problem("Version 2 is published.", "version"), Problem("Too big.", "questions[1].key")]
    )
    assert editor.problems() == [
        Problem("Version 2 is published."),
        Problem("Question 1: Too big.", "q-1-key"),
    ]


# ---------------------------------------------------------------------------------------------
# JSON: shown on every version, and the alternative editor


def test_every_version_shows_its_definition_as_json_and_a_published_one_has_no_editor(
    admin_client: Client,
) -> None:
    page = admin_client.get(reverse("risk:version", args=["asb-vulnerability", 1])).content.decode()
    assert "Definition as JSON" in page and 'id="draft-editor"' not in page
    shown = page[page.index('id="id_definition_json"') :]
    shown = shown[shown.index(">") + 1 : shown.index("</textarea>")]
    document = json.loads(shown.replace("&quot;", '"').replace("&#x27;", "'").replace("&amp;", "&"))
    assert document == {
        "questions": EXAMPLE_QUESTIONS,
        "location_weights": EXAMPLE_LOCATION_WEIGHTS,
        "thresholds": EXAMPLE_THRESHOLDS,
    }
    response = admin_client.post(
        reverse("risk:version", args=["asb-vulnerability", 1]),
        {"revision": "1", "thresholds-medium": "1", "thresholds-high": "2", "action": "save"},
    )
    assert response.status_code == 400 and "never changed" in response.content.decode()
    assert 'id="draft-editor"' not in response.content.decode()


def test_a_definition_from_another_system_is_pasted_as_json(admin_client: Client, url: str) -> None:
    page = admin_client.get(url + "?editor=json").content.decode()
    assert "Definition (JSON)" in page and 'id="draft-editor"' not in page
    document = {  # as the API gives a version (what it says besides the definition is left aside)
        "instrument": "asb-vulnerability",
        "version": 1,
        "status": "published",
        "questions": EXAMPLE_QUESTIONS[:3],
        "location_weights": [],
        "thresholds": {"medium": 3, "high": 6},
        "note": "Example",
        "created_at": "2025-01-01T00:00:00Z",
        "published_at": None,
    }
    data = {"editor": "json", "definition": json.dumps(document), "note": "Pasted", "revision": "1"}
    assert admin_client.post(url, data).status_code == 302
    saved = draft()
    assert saved.questions == EXAMPLE_QUESTIONS[:3] and saved.thresholds == {"medium": 3, "high": 6}
    assert saved.note == "Pasted"


def test_json_problems_are_named_on_the_box(admin_client: Client, url: str) -> None:
    data = {"editor": "json", "definition": '{"questions": [', "revision": "1"}
    html = admin_client.post(url, data).content.decode()
    assert "Not valid JSON" in html and 'href="#id_definition"' in html
    data["definition"] = json.dumps(
        {"questions": [{"key": "a", "text": "A?", "kind": "scale"}], "thresholds": {"medium": 5, "high": 1}}
    )
    response = admin_client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "questions[1].kind: Kind must be one of" in html and "thresholds.high: The high threshold" in html
    data["definition"] = '{"questions": [], "colour": "red"}'
    assert "Unknown part colour." in admin_client.post(url, data).content.decode()
    assert draft().revision == 1


def test_a_stale_json_save_is_refused_keeping_the_pasted_definition(
    admin_client: Client, url: str, make_user: Callable[..., User]
) -> None:
    services.save_draft(
        make_user(Role.ADMIN, username="other_admin"),
        draft(),
        questions=EXAMPLE_QUESTIONS,
        location_weights=[],
        thresholds={"medium": 12, "high": 20},
        expected_revision=1,
    )
    pasted = json.dumps({"questions": EXAMPLE_QUESTIONS[:1], "thresholds": {"medium": 1, "high": 2}})
    response = admin_client.post(url, {"editor": "json", "definition": pasted, "revision": "1"})
    html = response.content.decode()
    assert response.status_code == 409 and "Your changes were not saved" in html
    assert "&quot;high&quot;: 2}" in html and 'name="revision" value="2"' in html
    assert draft().thresholds == {"medium": 12, "high": 20}
