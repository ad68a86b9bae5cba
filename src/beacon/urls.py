from django.urls import include, path

from beacon.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("plans/", include("beacon.inspections.urls")),
    path("people/", include("beacon.people.urls")),
    path("geography/", include("beacon.geography.urls")),
    path("incidents/", include("beacon.incidents.urls")),
    path("risk/", include("beacon.risk.urls")),
    path("cases/", include("beacon.cases.urls")),
    path("partnership/", include("beacon.partnership.urls")),
    path("retention/", include("beacon.retention.urls")),
    path("", include("beacon.core.urls")),
]

handler403 = "beacon.core.views.forbidden"
