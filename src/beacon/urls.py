from django.urls import include, path, re_path

from beacon.api import api, not_routed

urlpatterns = [
    path("api/v1/", api.urls),
    re_path(r"^api/v1/[\s\S]*$", not_routed),  # after every operation: JSON 404 for any other path
    path("plans/", include("beacon.inspections.urls")),
    path("people/", include("beacon.people.urls")),
    path("geography/", include("beacon.geography.urls")),
    path("incidents/", include("beacon.incidents.urls")),
    path("risk/", include("beacon.risk.urls")),
    path("cases/", include("beacon.cases.urls")),
    path("partnership/", include("beacon.partnership.urls")),
    path("performance/", include("beacon.performance.urls")),
    path("retention/", include("beacon.retention.urls")),
    path("", include("beacon.core.urls")),
]

handler403 = "beacon.core.views.forbidden"
handler400 = "beacon.core.error_views.bad_request"  # JSON under /api/, else templates/400.html
handler500 = "beacon.core.error_views.server_error"  # JSON under /api/, else templates/500.html
