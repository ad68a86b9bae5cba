"""Instrument administration: list instruments and the risk settings, create an instrument, view a
version, draft the next version, edit it (the structured editor of `forms_editor`, or as JSON),
preview it with sample answers, and publish it. Thin: writes through `services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from beacon.core.errors import EditConflict, ValidationFailed
from beacon.core.permissions import AuthedRequest, capability_required
from beacon.risk import scoring, selectors, services
from beacon.risk.forms import (
    DraftForm,
    InstrumentForm,
    PreviewLocationForm,
    SettingsForm,
    definition_json,
    page_problems,
    posted_answers,
    question_fields,
)
from beacon.risk.forms_editor import DraftEditor
from beacon.risk.models import Instrument, InstrumentVersion, RiskSettings
from beacon.risk.views import _is_htmx, contribution_rows


def _instrument(name: str) -> Instrument:
    found = Instrument.objects.filter(name=name).first()
    if found is None:
        raise Http404("No such instrument.")
    return found


def _version(name: str, number: int) -> InstrumentVersion:
    found = (
        InstrumentVersion.objects.select_related("instrument", "created_by", "published_by")
        .filter(instrument__name=name, version=number)
        .first()
    )
    if found is None:
        raise Http404("No such version.")
    return found


def _settings_form(data: Any = None) -> SettingsForm:
    current = RiskSettings.current()
    in_use = selectors.instrument_in_use()
    return SettingsForm(
        data,
        initial={
            "instrument": in_use.pk if in_use else None,
            "assessment_due_hours": current.assessment_due_hours,
        },
    )


@capability_required("risk.configure")
@require_http_methods(["GET", "POST"])
def instruments(request: AuthedRequest) -> HttpResponse:
    form = _settings_form()
    problems = []
    if request.method == "POST":
        form = _settings_form(request.POST)
        if form.is_valid():
            try:
                made = services.save_settings(
                    request.user,
                    assessment_due_hours=form.cleaned_data["assessment_due_hours"],
                    instrument=form.cleaned_data["instrument"],
                )
            except ValidationFailed as exc:
                form.add_problems(exc.problems)
            else:
                messages.success(request, f"Risk settings version {made.version} saved.")
                return redirect("risk:instruments")
        problems = form.problems()
    rows = []
    for instrument in selectors.instruments():
        versions = sorted(instrument.versions.all(), key=lambda v: -v.version)
        rows.append(
            {
                "instrument": instrument,
                "published": next(
                    (v for v in versions if v.status == InstrumentVersion.Status.PUBLISHED), None
                ),
                "draft": next((v for v in versions if v.status == InstrumentVersion.Status.DRAFT), None),
                "count": len(versions),
            }
        )
    return render(
        request,
        "risk/instruments.html",
        {
            "rows": rows,
            "in_use": selectors.instrument_in_use(),
            "settings": RiskSettings.current(),
            "form": form,
            "problems": problems,
        },
        status=400 if problems else 200,
    )


@capability_required("risk.configure")
@require_http_methods(["GET", "POST"])
def instrument_new(request: AuthedRequest) -> HttpResponse:
    form = InstrumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            draft = services.create_instrument(
                request.user, name=d["name"], title=d["title"], description=d["description"]
            )
        except ValidationFailed as exc:
            form.add_problems(exc.problems)
        else:
            messages.success(
                request, f"{draft.instrument.title} created: edit its first draft, then publish it."
            )
            return redirect("risk:version", name=draft.instrument.name, number=draft.version)
    problems = form.problems() if form.is_bound else []
    return render(
        request,
        "risk/instrument_new.html",
        {"form": form, "problems": problems},
        status=400 if problems else 200,
    )


@capability_required("risk.configure")
def instrument_detail(request: AuthedRequest, name: str) -> HttpResponse:
    instrument = _instrument(name)
    versions = list(
        InstrumentVersion.objects.filter(instrument=instrument)
        .select_related("created_by", "published_by")
        .order_by("-version")
    )
    return render(
        request,
        "risk/instrument.html",
        {
            "instrument": instrument,
            "versions": versions,
            "draft": next((v for v in versions if v.is_draft), None),
            "in_use": selectors.instrument_in_use(),
        },
    )


@capability_required("risk.configure")
@require_POST
def new_draft(request: AuthedRequest, name: str) -> HttpResponse:
    draft = services.new_draft(request.user, _instrument(name))
    messages.success(request, f"Draft version {draft.version} is ready to edit.")
    return redirect("risk:version", name=name, number=draft.version)


def _render_version(
    request: AuthedRequest,
    version: InstrumentVersion,
    *,
    editor: DraftEditor | None = None,
    json_form: DraftForm | None = None,
    preview: dict[str, Any] | None = None,
    conflict: EditConflict | None = None,
    problems: list[Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The version page: its definition, and for a draft an editor (the structured one, or the JSON
    box when asked for with ?editor=json), the preview and the publish button."""
    if problems is None:
        if editor is not None:
            problems = editor.problems()
        elif json_form is not None and json_form.is_bound:
            problems = json_form.problems()
        else:
            problems = []
    if not version.is_draft:
        editor = json_form = None
    elif editor is None and json_form is None:
        if request.GET.get("editor") == "json":
            json_form = DraftForm.for_version(version)
        else:
            editor = DraftEditor.for_version(version)
    return render(
        request,
        "risk/version.html",
        {
            "version": version,
            "instrument": version.instrument,
            "editor": editor,
            "form": json_form,
            "definition_json": definition_json(version),
            "preview": preview or _empty_preview(version),
            "conflict": conflict,
            "problems": problems,
        },
        status=status,
    )


def _empty_preview(version: InstrumentVersion, data: Any = None) -> dict[str, Any]:
    return {
        "questions": question_fields(version, data),
        "location_form": PreviewLocationForm(data),
        "result": None,
        "rows": [],
        "problems": [],
    }


def _saved(request: AuthedRequest, saved: InstrumentVersion) -> HttpResponse:
    messages.success(
        request, f"Draft version {saved.version} saved. Try it with sample answers, then publish it."
    )
    return redirect("risk:version", name=saved.instrument.name, number=saved.version)


def _save_json(request: AuthedRequest, version: InstrumentVersion) -> HttpResponse:
    form = DraftForm(request.POST)
    parsed = form.parsed() if form.is_valid() else None
    if parsed is None:
        return _render_version(request, version, json_form=form, status=400)
    try:
        saved = services.save_draft(
            request.user,
            version,
            **parsed,
            note=form.cleaned_data["note"],
            expected_revision=form.cleaned_data["revision"],
        )
    except EditConflict as exc:
        fresh = _version(version.instrument.name, version.version)
        kept = DraftForm(initial={**form.cleaned_data, "revision": fresh.revision})
        return _render_version(request, fresh, json_form=kept, conflict=exc, problems=[], status=409)
    except ValidationFailed as exc:
        form.add_definition_problems(exc.problems)
        return _render_version(request, version, json_form=form, status=400)
    return _saved(request, saved)


def _save_structured(request: AuthedRequest, version: InstrumentVersion) -> HttpResponse:
    editor = DraftEditor.from_post(request.POST)
    action = request.POST.get("action", "save")
    if action != "save" and version.is_draft:
        editor.apply(action)  # a button that adds, removes or moves: show the form again, unsaved
        return _render_version(request, version, editor=editor)
    d = editor.definition()
    if not editor.converted and version.is_draft:
        # Some box is not a whole number: nothing is saved, but every other problem is named too.
        editor.add_problems(scoring.check_definition(d.questions, d.location_weights, d.thresholds))
        return _render_version(request, version, editor=editor, status=400)
    try:
        saved = services.save_draft(
            request.user,
            version,
            questions=d.questions,
            location_weights=d.location_weights,
            thresholds=d.thresholds,
            note=editor.note,
            expected_revision=d.revision,
        )
    except EditConflict as exc:
        # Someone saved the draft since this form was opened: theirs stays, and what this editor
        # typed is shown again, to save over theirs (now at its new revision) once they have looked.
        fresh = _version(version.instrument.name, version.version)
        editor.revision = str(fresh.revision)
        return _render_version(request, fresh, editor=editor, conflict=exc, problems=[], status=409)
    except ValidationFailed as exc:
        editor.add_problems(exc.problems)
        return _render_version(request, version, editor=editor, status=400)
    return _saved(request, saved)


@capability_required("risk.configure")
@require_http_methods(["GET", "POST"])
def version_detail(request: AuthedRequest, name: str, number: int) -> HttpResponse:
    """A version; for a draft, its editor. The structured editor's buttons post here too (add,
    remove or move a question, an answer or a location weight) and show the form again, unsaved."""
    version = _version(name, number)
    if request.method == "GET":
        return _render_version(request, version)
    if request.POST.get("editor") == "json":
        return _save_json(request, version)
    return _save_structured(request, version)


@capability_required("risk.configure")
@require_POST
def version_preview(request: AuthedRequest, name: str, number: int) -> HttpResponse:
    """Score sample answers under this version without saving anything (an HTMX partial, or the
    whole page without JavaScript)."""
    version = _version(name, number)
    preview = _empty_preview(version, request.POST)
    loc_form: PreviewLocationForm = preview["location_form"]
    problems = []
    location = scoring.NOWHERE
    if loc_form.is_valid():
        try:
            location = selectors.location_for(neighbourhood=loc_form.cleaned_data["neighbourhood"])
        except ValidationFailed as exc:
            loc_form.add_problems(exc.problems)
            problems += loc_form.problems()
        if loc_form.cleaned_data.get("in_priority"):
            location = scoring.LocationContext(
                location.neighbourhood_code,
                location.neighbourhood_name,
                location.grade,
                ("an active local priority",),
                location.problem,
            )
    try:
        result = scoring.score(
            version.questions,
            version.location_weights,
            version.thresholds,
            posted_answers(version, request.POST),
            location,
        )
    except ValidationFailed as exc:
        problems += exc.problems
        result = None
    keys = {q["key"] for q in version.questions}
    preview.update(
        questions=question_fields(version, request.POST, [p for p in problems if p.field in keys]),
        result=result if not problems else None,
        rows=contribution_rows(version, result.contributions) if result and not problems else [],
        problems=page_problems(problems, keys),
    )
    if _is_htmx(request):
        return render(request, "risk/_preview.html", {"version": version, "preview": preview})
    return _render_version(request, version, preview=preview, problems=[], status=200)


@capability_required("risk.configure")
@require_POST
def version_publish(request: AuthedRequest, name: str, number: int) -> HttpResponse:
    version = _version(name, number)
    raw = request.POST.get("revision", "")
    try:
        published = services.publish(
            request.user, version, expected_revision=int(raw) if raw.isdigit() else None
        )
    except EditConflict as exc:
        return _render_version(request, _version(name, number), conflict=exc, status=409)
    except ValidationFailed as exc:
        editor = DraftEditor.for_version(version)
        editor.add_problems(exc.problems)  # a draft that no longer checks: each problem at its input
        return _render_version(request, version, editor=editor, status=400)
    messages.success(
        request,
        f"Version {published.version} of {published.instrument.title} published: new assessments use it. "
        "Assessments made with earlier versions keep theirs.",
    )
    return redirect("risk:version", name=name, number=number)
