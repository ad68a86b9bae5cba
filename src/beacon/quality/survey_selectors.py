"""Reads for quality call-back surveys."""

from __future__ import annotations

from django.db import models

from beacon.core.models import Area, User
from beacon.quality.survey_models import CallList, CallListEntry, QuestionnaireVersion, SurveyFollowUp

# --- pages (views_surveys) -------------------------------------------------------------------------


def visible_call_lists(user: User) -> models.QuerySet[CallList]:
    """The call lists in the user's areas, newest month first, with what the list page shows."""
    qs = CallList.objects.select_related("version__questionnaire", "area", "drawn_by").annotate(
        to_call=models.Count(
            "entries", filter=~models.Q(entries__status__in=CallListEntry.CLOSED), distinct=True
        ),
        assigned=models.Count("entries", filter=models.Q(entries__volunteer__isnull=False), distinct=True),
    )
    if not user.all_areas:
        qs = qs.filter(area_id__in=user.area_ids())
    return qs.order_by("-month", "-id")


def call_list_for(user: User, pk: int) -> CallList:
    """One call list in the user's areas (DoesNotExist otherwise)."""
    found = CallList.objects.select_related("version__questionnaire", "rules", "area", "drawn_by").get(pk=pk)
    if not user.can_see_area(found.area_id):
        raise CallList.DoesNotExist("not in your areas")
    return found


def call_list_entries(call_list: CallList) -> models.QuerySet[CallListEntry]:
    """A list's entries for its manager: the incident's reference and who is calling (no contact
    details: the manager does not call)."""
    return (
        call_list.entries.select_related("incident", "volunteer")
        .only(
            "position",
            "status",
            "incident__reference",
            "volunteer__first_name",
            "volunteer__last_name",
            "volunteer__username",
            "call_list_id",
            "incident_id",
            "volunteer_id",
            "record_id",
        )
        .order_by("position")
    )


def volunteers_for(area_id: int) -> list[User]:
    """Active users who may record calls (surveys.call) and work in the area."""
    from beacon.core.roles import CAPABILITIES

    out = []
    qs = User.objects.filter(is_active=True, role__in=CAPABILITIES["surveys.call"]).order_by(
        "last_name", "first_name", "username"
    )
    for u in qs.prefetch_related("areas"):
        u._area_ids = {a.pk for a in u.areas.all()}
        if u.can_see_area(area_id):
            out.append(u)
    return out


def my_calls(user: User) -> models.QuerySet[CallListEntry]:
    """The calls given to this volunteer that are still open: only what a call needs (the victim's
    name and contact details as given, the incident's date and type)."""
    return (
        CallListEntry.objects.filter(volunteer=user)
        .exclude(status__in=CallListEntry.CLOSED)
        .select_related(
            "record",
            "incident__asb_category",
            "incident__type_heading",
            "call_list__version",
        )
        .only(
            "position",
            "status",
            "call_list_id",
            "call_list__version__questions",
            "incident_id",
            "record_id",
            "volunteer_id",
            "record__given_forename",
            "record__given_surname",
            "record__given_phone",
            "record__given_email",
            "record__erased_at",
            "incident__received_at",
            "incident__occurred_at",
            "incident__asb_category__label",
            "incident__type_heading__label",
        )
        .order_by("call_list__month", "call_list_id", "position")
    )


def my_finished_calls(user: User, limit: int = 20) -> list[CallListEntry]:
    """The volunteer's finished calls, newest first: only the position, list and outcome."""
    return list(
        CallListEntry.objects.filter(volunteer=user, status__in=CallListEntry.CLOSED)
        .only("position", "status", "call_list_id")
        .order_by("-call_list_id", "-position")[:limit]
    )


def open_follow_ups(user: User) -> models.QuerySet[SurveyFollowUp]:
    """Follow-ups raised by calls, for the neighbourhood team of the user's areas: open first."""
    qs = SurveyFollowUp.objects.select_related("area", "neighbourhood", "entry__incident", "created_by")
    if not user.all_areas:
        qs = qs.filter(area_id__in=user.area_ids())
    return qs.order_by("done_at", "-created_at", "-id")


def survey_areas(user: User) -> list[Area]:
    qs = Area.objects.order_by("name")
    return list(qs if user.all_areas else qs.filter(pk__in=user.area_ids()))


# --- the API (api_surveys) -------------------------------------------------------------------------


def latest_versions() -> list[QuestionnaireVersion]:
    """The latest version of every questionnaire, by title (one query whatever their number)."""
    newest = (
        QuestionnaireVersion.objects.filter(questionnaire=models.OuterRef("questionnaire"))
        .order_by("-version")
        .values("pk")[:1]
    )
    return list(
        QuestionnaireVersion.objects.filter(pk=models.Subquery(newest))
        .select_related("questionnaire", "created_by")
        .order_by("questionnaire__title", "questionnaire__code")
    )
