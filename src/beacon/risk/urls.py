from django.urls import path

from beacon.risk import views, views_admin

app_name = "risk"

urlpatterns = [
    path("assess/", views.assess, name="assess"),
    path("assess/score/", views.assess_score, name="assess_score"),
    path("assessments/<int:pk>/", views.detail, name="detail"),
    path("assessments/<int:pk>/review/", views.review, name="review"),
    path("reviews/", views.reviews, name="reviews"),
    path("due/", views.due, name="due"),
    path("people/<int:person_id>/", views.person_history, name="person"),
    path("instruments/", views_admin.instruments, name="instruments"),
    path("instruments/new/", views_admin.instrument_new, name="instrument_new"),
    path("instruments/<slug:name>/", views_admin.instrument_detail, name="instrument"),
    path("instruments/<slug:name>/draft/", views_admin.new_draft, name="new_draft"),
    path("instruments/<slug:name>/<int:number>/", views_admin.version_detail, name="version"),
    path(
        "instruments/<slug:name>/<int:number>/preview/", views_admin.version_preview, name="version_preview"
    ),
    path(
        "instruments/<slug:name>/<int:number>/publish/", views_admin.version_publish, name="version_publish"
    ),
]
