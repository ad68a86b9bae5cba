from django.urls import path

from beacon.cases import views, views_plan

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.new_case, name="new"),
    path("supervisor/", views_plan.supervisor, name="supervisor"),
    path("standards/", views_plan.standards, name="standards"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/level/", views.change_level, name="level"),
    path("<int:pk>/parties/", views.add_party, name="add_party"),
    path("<int:pk>/parties/<int:party_pk>/remove/", views.remove_party, name="remove_party"),
    path("<int:pk>/victims/<int:party_pk>/contact/", views.victim_contact, name="victim_contact"),
    path("<int:pk>/people-search/", views.people_search, name="people_search"),
    path("<int:pk>/incidents/", views.add_incident, name="add_incident"),
    path("<int:pk>/locations/", views.add_location, name="add_location"),
    path("<int:pk>/actions/", views_plan.add_action, name="add_action"),
    path("actions/<int:action_pk>/edit/", views_plan.edit_action, name="edit_action"),
    path("<int:pk>/contacts/", views_plan.add_contact, name="add_contact"),
    path("<int:pk>/reviews/", views_plan.add_review, name="add_review"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
]
