from django.urls import path

from beacon.quality import views

app_name = "quality"

urlpatterns = [
    path("", views.rounds, name="rounds"),
    path("rounds/new/", views.new_round, name="new_round"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/assign/", views.assign, name="assign"),
    path("work/", views.work, name="work"),
    path("items/<int:pk>/", views.item, name="item"),
    path("answers/<int:pk>/dispute/", views.dispute, name="dispute"),
    path("outcomes/", views.outcomes, name="outcomes"),
    path("disputes/", views.disputes, name="disputes"),
    path("disputes/<int:pk>/decide/", views.decide, name="decide"),
    path("corrections/", views.corrections, name="corrections"),
    path("corrections/<int:pk>/done/", views.correction_done, name="correction_done"),
]
