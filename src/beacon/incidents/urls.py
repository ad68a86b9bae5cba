from django.urls import path

from beacon.incidents import views, views_config, views_triage

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.new_call, name="new"),
    path("report/", views.new_report, name="report"),
    path("check/", views.live_check, name="check"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/attendance/", views.attendance, name="attendance"),
    path("<int:pk>/crime/", views.crime_decision, name="crime_decision"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/supervision/", views.supervise, name="supervise"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("unacknowledged/", views.unacknowledged, name="unacknowledged"),
    path("triage/", views_triage.triage_list, name="triage"),
    path("triage/<int:pk>/", views_triage.triage_item, name="triage_item"),
    path("triage/<int:pk>/no-team/", views_triage.triage_no_team, name="triage_no_team"),
    path("crime-review/", views.crime_review, name="crime_review"),
    path("configure/", views_config.configure, name="configure"),
]
