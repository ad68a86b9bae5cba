from django.urls import path

from beacon.geography import views

app_name = "geography"

urlpatterns = [
    path("", views.neighbourhoods, name="neighbourhoods"),
    path("neighbourhoods/<int:pk>/", views.neighbourhood, name="neighbourhood"),
    path("neighbourhoods.geojson", views.neighbourhoods_geojson, name="neighbourhoods_geojson"),
    path("import/", views.import_geojson, name="import"),
    path("priorities/", views.priorities, name="priorities"),
    path("priorities/new/", views.priority_new, name="priority_new"),
    path("priorities/<int:pk>/edit/", views.priority_edit, name="priority_edit"),
    path("priorities/<int:pk>/end/", views.priority_end, name="priority_end"),
]
