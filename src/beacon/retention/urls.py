from django.urls import path

from beacon.retention import views

app_name = "retention"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("decide/", views.decide, name="decide"),
    path("rules/", views.rules, name="rules"),
]
