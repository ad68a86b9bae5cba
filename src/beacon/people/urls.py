from django.urls import path
from django.views.generic import RedirectView

from beacon.people import views

app_name = "people"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="people:lookup"), name="index"),
    path("lookup/", views.lookup, name="lookup"),
    path("<int:pk>/", views.person_detail, name="person"),
    path("<int:pk>/flags/", views.add_flag, name="add_flag"),
    path("<int:pk>/subject-access/", views.subject_access, name="subject_access"),
    path("<int:pk>/known-as/<slug:detail>/", views.known_detail, name="known_detail"),
    path("records/<int:pk>/confirm/", views.confirm_record, name="confirm_record"),
    path("flags/<int:pk>/end/", views.end_flag, name="end_flag"),
    path("records/<int:pk>/erase/", views.erase_record, name="erase_record"),
    path("review/", views.review_queue, name="review"),
    path("review/<int:pk>/decide/", views.decide, name="decide"),
    path("runs/", views.runs, name="runs"),
    path("runs/<int:pk>/undo/", views.undo_run, name="undo_run"),
]
