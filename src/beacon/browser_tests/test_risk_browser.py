"""End-to-end: an administrator drafts a new version of the example risk instrument in the structured
editor (changing points and thresholds, adding and moving a question), tries it with sample answers
(an HTMX preview that saves nothing), and publishes it; the version before is retired. Debian
chromium, axe-core on every page visited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps
from playwright.sync_api import expect

from beacon.browser_tests.conftest import check_accessibility, login
from beacon.core.models import AuditEvent
from beacon.core.roles import Role
from beacon.core.tests.factories import TEST_PASSWORD, UserFactory
from beacon.risk.examples import load_example_instrument
from beacon.risk.models import Assessment, InstrumentVersion
from beacon.risk.selectors import current_version

pytestmark = pytest.mark.django_db(transaction=True)

# The sample answers: yes to these, and the first or second choice elsewhere.
YES = ("hate", "afraid", "moved_home")
NO = (
    "targeted_before",
    "disability_health",
    "alone",
    "children",
    "getting_worse",
    "threats_damage",
    "not_acted_upon",
)


def _answer(page: Any) -> None:
    preview = page.locator("#preview")
    preview.locator("#id_answer_incidents_recent").fill("1")
    for key in YES:
        preview.locator(f"#id_answer_{key}").check()  # Yes is first
    for key in NO:
        preview.locator(f"#id_answer_{key}_2").check()  # No is second
    preview.locator("#id_answer_age_2").check()  # 18 to 64
    preview.get_by_label("A little").check()


def test_an_administrator_publishes_a_new_version_after_previewing_it(page: Any) -> None:
    load_example_instrument(apps)  # the data migration's rows do not survive a transactional test's flush
    UserFactory(username="risk_admin", role=Role.ADMIN, all_areas=True)

    login(page, "risk_admin", TEST_PASSWORD)
    page.goto("/risk/instruments/")
    expect(page.get_by_role("heading", name="Risk assessment instruments")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="ASB victim vulnerability (example)").click()
    expect(page.get_by_test_id("version-1")).to_contain_text("Published")
    check_accessibility(page)

    page.get_by_role("button", name="Create a new version").click()
    page.wait_for_url(re.compile(r"/risk/instruments/asb-vulnerability/2/$"))
    expect(page.get_by_test_id("status")).to_have_text("Draft")
    check_accessibility(page)

    # In the structured editor: more points for one question, lower thresholds, and a new question.
    hate = page.get_by_role("group", name="Question 3", exact=True)
    expect(hate.get_by_label("Key")).to_have_value("hate")
    hate.get_by_label("Points for Yes").fill("5")
    page.get_by_label("Medium at or above").fill("6")
    page.get_by_label("High at or above").fill("5")
    page.get_by_role("button", name="Add a question").click()
    page.wait_for_url(re.compile(r"/risk/instruments/asb-vulnerability/2/#question-14$"))
    expect(page.get_by_test_id("unsaved")).to_contain_text("not saved yet")
    expect(page.get_by_label("Medium at or above")).to_have_value("6")  # what was typed is kept
    check_accessibility(page)
    new = page.get_by_role("group", name="Question 14", exact=True)
    new.get_by_label("Key").fill("moved_home")
    new.get_by_label("Question", exact=True).fill("Has the victim moved home because of it?")
    new.get_by_label("Points for Yes").fill("2")
    new.get_by_label("Points for No").fill("0")
    new.get_by_label("Choice").check()  # choosing a kind reveals its settings
    expect(new.get_by_role("group", name="Answer 1")).to_be_visible()
    expect(new.get_by_label("Points for Yes")).to_be_hidden()
    new.get_by_label("Yes/No").check()
    new.get_by_role("button", name="Move question 14 up").click()
    page.wait_for_url(re.compile(r"#question-13$"))
    expect(page.get_by_role("group", name="Question 13", exact=True).get_by_label("Key")).to_have_value(
        "moved_home"
    )

    page.get_by_role("button", name="Add a location weight").click()
    page.wait_for_url(re.compile(r"#weight-3$"))
    weight = page.get_by_role("group", name="Location weight 3")
    expect(weight.get_by_label("Neighbourhood code")).to_be_hidden()
    weight.get_by_label("When it applies").select_option(label="A named neighbourhood")
    weight.get_by_label("Neighbourhood code").fill("TN1")  # shown once a named neighbourhood is chosen
    weight.get_by_label("Points").fill("1")
    weight.get_by_label("Label (optional)").fill("Market")

    # The thresholds are the wrong way round: the summary links to the box, and nothing is saved.
    page.get_by_role("button", name="Save the draft").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The high threshold must be above the medium one.")
    check_accessibility(page)
    summary.get_by_role("link", name="The high threshold must be above the medium one.").click()
    expect(page.get_by_label("High at or above")).to_be_focused()
    page.get_by_label("High at or above").fill("12")
    note = page.get_by_label("What changed in this version")
    note.fill("Lower thresholds after the pilot")
    note.press("Enter")  # Enter in a box saves the draft (not the first button of the form)
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Draft version 2 saved")
    expect(page.locator("#thresholds")).to_contain_text("Medium from 6 points; High from 12 points")
    expect(page.locator("#questions")).to_contain_text("Has the victim moved home because of it?")
    page.get_by_text("Definition as JSON").click()
    expect(page.get_by_label("Version 2 as JSON, to copy into another system")).to_contain_text(
        '"moved_home"'
    )
    check_accessibility(page)

    # A sample with a question unanswered is refused, naming it; then a full one is scored.
    preview = page.locator("#preview")
    preview.get_by_role("button", name="Score these answers").click()
    problems = page.get_by_test_id("preview-problems")
    expect(problems).to_contain_text("These answers cannot be scored")
    expect(problems.get_by_role("link").first).to_have_attribute("href", "#id_answer_incidents_recent")
    check_accessibility(page)

    _answer(page)
    page.locator("#preview").get_by_label("Neighbourhood code (optional)").fill("")
    page.locator("#preview").get_by_role("button", name="Score these answers").click()
    result = page.get_by_test_id("preview-result")
    expect(result).to_have_text(re.compile(r"High: 12 points"))  # 1 + 5 + 3 + 1 + 2 under the new thresholds
    expect(page.locator("#preview-contributions")).to_contain_text("picked on because of who they are")
    assert page.url.endswith("/risk/instruments/asb-vulnerability/2/")  # an HTMX partial, not a new page
    check_accessibility(page)
    assert not Assessment.objects.exists()
    published = current_version()
    assert published is not None and published.version == 1

    page.get_by_role("button", name="Publish version 2").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Version 2 of")
    expect(page.get_by_test_id("status")).to_have_text("Published")
    expect(page.get_by_role("button", name="Publish version 2")).to_have_count(0)
    check_accessibility(page)

    versions = {v.version: v for v in InstrumentVersion.objects.filter(instrument__name="asb-vulnerability")}
    assert versions[1].status == "retired" and versions[2].status == "published"
    assert versions[2].thresholds == {"medium": 6, "high": 12}
    assert versions[2].questions[2]["points"] == {"yes": 5, "no": 0}
    assert [q["key"] for q in versions[2].questions][-2:] == ["moved_home", "officer_view"]
    assert versions[2].location_weights[2] == {"when": "neighbourhood:TN1", "points": 1, "label": "Market"}
    assert current_version() == versions[2]
    assert AuditEvent.objects.filter(
        model="instrumentversion", object_pk=str(versions[2].pk), reason="published"
    )

    page.get_by_role("link", name="All versions of ASB victim vulnerability (example)").click()
    expect(page.get_by_test_id("version-1")).to_contain_text("Retired")
    expect(page.get_by_test_id("version-2")).to_contain_text("Lower thresholds after the pilot")
    check_accessibility(page)


def test_an_officer_assesses_a_victim_and_a_sergeant_reviews_it(page: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from beacon.core.models import Area, Force
    from beacon.incidents.tests.conftest import make_neighbourhood
    from beacon.risk.tests.factories import make_incident, person_record

    load_example_instrument(apps)
    force = Force.objects.create(name="Testshire Constabulary", code="TS")
    north = Area.objects.create(force=force, name="North", code="TN")
    market = make_neighbourhood(north, "TN1", "Market", (52.60, -1.12, 52.62, -1.10))
    officer = UserFactory(username="pc_north", role=Role.OFFICER, first_name="Pat", last_name="Lee")
    sergeant = UserFactory(username="ps_north", role=Role.SUPERVISOR, first_name="Sam", last_name="Ray")
    for user in (officer, sergeant):
        user.areas.add(north)
    victim = person_record(forename="Alys", surname="Penhallow")
    incident = make_incident(area=north, neighbourhood=market, victims=[("caller", victim)], vulnerable=True)
    overdue = make_incident(
        area=north,
        repeat=True,
        received_at=timezone.now() - dt.timedelta(days=4),
        victims=[("victim", person_record(forename="Cai", surname="Morgan"))],
    )

    login(page, "pc_north", TEST_PASSWORD)
    page.goto(f"/risk/assess/?incident={incident.pk}")
    expect(page.get_by_role("heading", name="Risk assessment", level=1)).to_be_visible()
    expect(page.get_by_test_id("victim")).to_contain_text("Alys Penhallow")
    check_accessibility(page)

    page.get_by_role("button", name="Save the assessment").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a number for")
    expect(summary).to_contain_text("Say whether you attended the incident or are investigating it.")
    check_accessibility(page)
    summary.get_by_role("link", name=re.compile("picked on because of who they are")).click()
    expect(page.locator("#id_answer_hate")).to_be_focused()

    page.locator("#id_answer_incidents_recent").fill("3")
    for key in ("targeted_before", "hate", "afraid", "getting_worse", "threats_damage"):
        page.locator(f"#id_answer_{key}").check()
    for key in ("disability_health", "alone", "children", "not_acted_upon"):
        page.locator(f"#id_answer_{key}_2").check()
    page.locator("#id_answer_age_3").check()  # 65 or over
    page.get_by_label("A lot").check()
    page.get_by_label("The attending officer").check()
    page.get_by_label("Your note (optional)").fill("Frightened to go out after dark.")
    page.get_by_role("button", name="Save the assessment").click()
    page.wait_for_url(re.compile(r"/risk/assessments/\d+/$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("26 points, High risk")
    expect(page.get_by_test_id("level")).to_contain_text("High")
    expect(page.locator("#contributions")).to_contain_text("65 or over")
    check_accessibility(page)
    assessment = Assessment.objects.get()
    assert (assessment.score, assessment.level, assessment.completed_by) == (26, "high", officer)

    page.context.clear_cookies()
    login(page, "ps_north", TEST_PASSWORD)
    page.goto("/risk/due/")
    expect(page.get_by_test_id(f"due-{overdue.pk}")).to_contain_text(overdue.reference)
    expect(page.get_by_test_id(f"due-{incident.pk}")).to_have_count(0)
    check_accessibility(page)

    page.goto("/risk/reviews/")
    row = page.get_by_test_id(f"assessment-{assessment.pk}")
    expect(row).to_contain_text("Awaiting review")
    check_accessibility(page)
    row.get_by_role("link").first.click()
    expect(page.get_by_role("button", name="Record the review")).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Change the level").check()
    page.get_by_role("group", name="The level it should be (if you change it)").get_by_label("Medium").check()
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give the reason for changing the level.")
    check_accessibility(page)
    page.get_by_label("Change the level").check()
    page.get_by_role("group", name="The level it should be (if you change it)").get_by_label("Medium").check()
    page.get_by_label("Reason").fill("Support from family has since been arranged.")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_test_id("review")).to_contain_text("Level changed by Sam Ray")
    expect(page.get_by_test_id("level")).to_contain_text("Medium")
    check_accessibility(page)

    page.get_by_role("link", name="Their assessment history").click()
    expect(page.get_by_test_id(f"assessment-{assessment.pk}")).to_contain_text("Level changed")
    check_accessibility(page)
    assessment.refresh_from_db()
    assert assessment.effective_level == "medium" and assessment.reviewed_by == sergeant


def test_the_officers_assessment_opens_with_the_callers_answers_and_a_running_score(page: Any) -> None:
    from django.utils import timezone

    from beacon.core.models import Area, Force
    from beacon.incidents.models import ScreeningSet
    from beacon.incidents.reference import SCREENING_V1
    from beacon.incidents.tests.conftest import make_neighbourhood
    from beacon.risk.tests.factories import make_incident, person_record

    load_example_instrument(apps)
    screening, _ = ScreeningSet.objects.get_or_create(version=1, defaults={"questions": SCREENING_V1})
    force = Force.objects.create(name="Testshire Constabulary", code="TS")
    north = Area.objects.create(force=force, name="North", code="TN")
    market = make_neighbourhood(north, "TN1", "Market", (52.60, -1.12, 52.62, -1.10))
    officer = UserFactory(username="pc_north", role=Role.OFFICER, first_name="Pat", last_name="Lee")
    officer.areas.add(north)
    victim = person_record(forename="Alys", surname="Penhallow")
    incident = make_incident(area=north, neighbourhood=market, victims=[("caller", victim)], vulnerable=True)
    incident.screening_set = screening
    incident.answers = {
        "danger_now": "no",
        "happened_before": "yes",
        "feel_targeted": "yes",
        "household_disability": "no",
        "threats_or_damage": "no",
        "impact": "I cannot cope",
    }
    incident.save(update_fields=["screening_set", "answers"])
    on = f"{timezone.localtime(incident.received_at):%-d %B %Y}"

    login(page, "pc_north", TEST_PASSWORD)
    page.goto(f"/risk/assess/?incident={incident.pk}")
    expect(page.get_by_role("heading", name="Risk assessment", level=1)).to_be_visible()
    hate = page.get_by_role("group", name=re.compile("picked on because of who they are"))
    expect(hate.get_by_label("Yes")).to_be_checked()
    expect(hate.get_by_test_id("source-hate")).to_contain_text("From the call — confirm with the victim")
    expect(hate.get_by_test_id("source-hate")).to_contain_text(f"From the call on {on}: yes to “Do you feel")
    expect(page.locator("#id_answer_disability_health_2")).to_be_checked()  # No, as the caller said
    expect(page.get_by_label("They can no longer live normally")).to_be_checked()
    expect(page.locator("#id_answer_afraid")).not_to_be_checked()  # not asked at the call
    score = page.get_by_test_id("running-score")
    expect(score).to_have_attribute("aria-live", "polite")
    # 3 (targeted before) + 4 (hate) + 5 (cannot cope) + 2 (a priority neighbourhood)
    expect(score.get_by_test_id("score-so-far")).to_have_text("Score so far: 14 points — Medium")
    expect(score).to_contain_text("Medium from 10, High from 20.")
    check_accessibility(page)

    # The running score follows the answers, as saving would score them (the note is not sent).
    scoring = re.compile(r"/risk/assess/score/\?incident=\d+$")
    with page.expect_request(scoring) as noted:
        page.get_by_label("Your note (optional)").fill("Frightened to go out after dark.")
    assert "Frightened" not in (noted.value.post_data or "")
    with page.expect_request(scoring) as asked:
        page.locator("#id_answer_afraid").check()
    assert "answer_afraid=yes" in (asked.value.post_data or "")
    expect(score.get_by_test_id("score-so-far")).to_have_text("Score so far: 17 points — Medium")
    page.locator("#id_answer_incidents_recent").fill("4")
    expect(score.get_by_test_id("score-so-far")).to_have_text("Score so far: 21 points — High")
    hate.get_by_label("No").check()  # the victim tells the officer otherwise
    expect(score.get_by_test_id("score-so-far")).to_have_text("Score so far: 17 points — Medium")
    check_accessibility(page)
    assert page.url.endswith(f"/risk/assess/?incident={incident.pk}")  # HTMX, not a new page

    for key in ("alone", "children", "getting_worse", "threats_damage", "not_acted_upon"):
        page.locator(f"#id_answer_{key}_2").check()
    page.locator("#id_answer_age_2").check()  # 18 to 64
    page.get_by_label("The attending officer").check()
    page.get_by_role("button", name="Save the assessment").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Confirm each answer marked “From the call” with the victim")
    check_accessibility(page)
    summary.get_by_role("link", name=re.compile("Confirm each answer marked")).click()
    confirm = page.get_by_label("I have confirmed each answer marked “From the call” with the victim")
    expect(confirm).to_be_focused()
    expect(page.locator("#id_answer_hate_2")).to_be_checked()  # kept as posted
    expect(page.get_by_test_id("score-so-far")).to_have_text("Score so far: 17 points — Medium")
    assert not Assessment.objects.exists()

    confirm.check()
    page.get_by_role("button", name="Save the assessment").click()
    page.wait_for_url(re.compile(r"/risk/assessments/\d+/$"))
    expect(page.locator(".govuk-notification-banner")).to_contain_text("17 points, Medium risk")
    check_accessibility(page)
    saved = Assessment.objects.get()
    assert (saved.score, saved.level) == (17, "medium")
    assert saved.answers["hate"] == "no" and saved.answers["daily_life"] == "cannot_cope"
