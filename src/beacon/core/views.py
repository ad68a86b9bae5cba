from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from beacon.core import audit, homes, selectors, services
from beacon.core.downloads import FORMATS, MAX_ROWS, table_download
from beacon.core.errors import Problem
from beacon.core.forms import GovukForm
from beacon.core.models import AuditEvent
from beacon.core.permissions import AuthedRequest, capability_required
from beacon.core.widgets import typed_date


class BeaconLoginView(LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True

    def get_form(self, form_class: type[AuthenticationForm] | None = None) -> AuthenticationForm:
        form = super().get_form(form_class)
        form.fields["username"].widget.attrs.update({"class": "govuk-input", "autocomplete": "username"})
        form.fields["password"].widget.attrs.update(
            {"class": "govuk-input", "autocomplete": "current-password"}
        )
        return form


def home(request: AuthedRequest) -> HttpResponse:  # login-only: LoginRequiredMiddleware
    """Each role's own work (built by beacon.homes through core.homes), each figure a link to the list
    behind it."""
    template, context = homes.home_for(request.user)
    return render(request, "core/home.html", {"role_template": template, **context})


@login_not_required
def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


AUDIT_PURPOSE = "audit trail review"


def _audit_purpose(request: AuthedRequest) -> str:
    return request.GET.get("purpose", "").strip()[:200] or AUDIT_PURPOSE


AUDIT_TEXT_FILTERS = ("app_label", "model", "object_pk", "actor", "action", "q")
AUDIT_COLUMNS = [
    "When",
    "User",
    "Action",
    "App",
    "Record type",
    "Record key",
    "Record",
    "Fields",
    "Reason",
    "Source",
]


def _day(value: str, label: str, problems: list[Problem], field: str) -> dt.date | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 2199:
        problems.append(Problem(f"Enter the date {label} as a real date, for example 1 6 2026.", field))
        return None
    return day


@capability_required("audit.view")
def audit_list(request: AuthedRequest) -> HttpResponse:
    """The audit trail, searched by user, record type, action, a reference or key, and the days
    from and to; paged, and downloaded as CSV or XLSX (entries name the fields they touched, not
    their values; the download itself is written to the access log)."""
    f = {k: request.GET.get(k, "").strip()[:200] for k in AUDIT_TEXT_FILTERS}
    f |= {k: (typed_date(request.GET, k) or "")[:40] for k in ("since", "until")}
    problems: list[Problem] = []
    since = _day(f["since"], "from", problems, "since")
    until = _day(f["until"], "to", problems, "until")
    if since and until and since > until:
        problems.append(Problem("The date to must be on or after the date from.", "until"))
    qs = selectors.audit_events(**{k: f[k] for k in AUDIT_TEXT_FILTERS}, since=since, until=until)
    purpose = _audit_purpose(request)
    fmt = request.GET.get("download", "")
    if fmt in FORMATS and not problems:
        events = list(qs[:MAX_ROWS])
        audit.record_read_of(
            request.user,
            app_label="core",
            model="auditevent",
            object_pk="download",
            object_repr=f"audit trail downloaded ({FORMATS[fmt]}, {len(events)} entries)",
            reason=f"audit trail: {purpose}",
        )
        rows = (
            [
                e.at,
                e.actor_label,
                e.get_action_display(),
                e.app_label,
                e.model,
                e.object_pk,
                e.object_repr,
                ", ".join(sorted(e.changes)) if isinstance(e.changes, dict) else "",
                e.reason,
                e.source,
            ]
            for e in events
        )
        return table_download("audit-trail", AUDIT_COLUMNS, rows, fmt)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    # The entries show records' values (names, phone numbers, addresses): the personal data shown
    # is written to the access log like any other read.
    selectors.log_audit_view(request.user, list(page.object_list), reason=purpose)
    query = urlencode({**{k: v for k, v in f.items() if v}, "purpose": purpose})
    return render(
        request,
        "core/audit_list.html",
        {
            "page": page,
            "filters": f,
            "errors": {p.field: p.message for p in problems},
            "query": query,
            "problems": problems,
            "downloads": [(label, f"?{query}&download={fmt}") for fmt, label in FORMATS.items()],
            "actions": AuditEvent.Action.choices,
            "purpose": purpose,
        },
    )


@capability_required("audit.view")
def record_history(request: AuthedRequest, app_label: str, model: str, object_pk: str) -> HttpResponse:
    events = list(selectors.record_history(app_label, model, object_pk)[:500])
    purpose = _audit_purpose(request)
    selectors.log_history_view(request.user, app_label, model, object_pk, events, reason=purpose)
    return render(
        request,
        "core/record_history.html",
        {
            "events": events,
            "record_type": selectors.model_verbose_name(app_label, model),
            "object_pk": object_pk,
            "purpose": purpose,
        },
    )


class TokenForm(GovukForm):
    name = forms.CharField(label="Token name", max_length=100, help_text="What will use it, e.g. 'C&C feed'.")
    days = forms.IntegerField(label="Expires after (days)", min_value=1, max_value=365, initial=90)


@capability_required("tokens.own")
def tokens(request: AuthedRequest) -> HttpResponse:
    new_key = None
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            _, new_key = services.create_api_token(
                request.user, name=form.cleaned_data["name"], days=form.cleaned_data["days"]
            )
            form = TokenForm()
    else:
        form = TokenForm()
    return render(
        request,
        "core/tokens.html",
        {
            "form": form,
            "new_key": new_key,
            "tokens": request.user.api_tokens.order_by("-created_at"),
            "problems": form.problems() if form.is_bound else [],
        },
    )


@require_POST
@capability_required("tokens.own")
def revoke_token(request: AuthedRequest, token_id: int) -> HttpResponse:
    services.revoke_api_token(request.user, token_id)
    messages.success(request, "Token revoked.")
    return redirect("core:tokens")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    from beacon.core.permissions import refuse

    return refuse(request, str(exception) if exception else "")
