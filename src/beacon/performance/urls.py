from django.urls import path

from beacon.performance import views, views_analysis, views_evidence

app_name = "performance"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("pack/", views.pack, name="pack"),
    path("kpis/<slug:code>/", views.kpi_detail, name="kpi"),
    path("kpis/<slug:code>/records/", views.kpi_records, name="records"),
    path("kpis/<slug:code>/targets/", views.set_target, name="set_target"),
    path("hotspots/", views_analysis.hotspots, name="hotspots"),
    path("hotspots/cells/<str:cell>/", views_analysis.hotspot_cell, name="hotspot_cell"),
    path("patterns/", views_analysis.patterns, name="patterns"),
    path("findings/<int:pk>/evidence/", views_evidence.link_evidence, name="link_evidence"),
    path("evidence/<int:pk>/unlink/", views_evidence.unlink_evidence, name="unlink_evidence"),
]
