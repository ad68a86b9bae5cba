from django.contrib.auth.views import LogoutView
from django.urls import path

from beacon.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("login/", views.BeaconLoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("audit/", views.audit_list, name="audit"),
    path("audit/<str:app_label>/<str:model>/<str:object_pk>/", views.record_history, name="record_history"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
]
