from django.urls import path

from beacon.quality import views, views_surveys

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
    path("surveys/results/", views_surveys.results, name="survey_results"),
    path("surveys/lists/", views_surveys.call_lists, name="call_lists"),
    path("surveys/lists/new/", views_surveys.new_call_list, name="new_call_list"),
    path("surveys/lists/<int:pk>/", views_surveys.call_list, name="call_list"),
    path("surveys/lists/<int:pk>/assign/", views_surveys.assign_calls, name="assign_calls"),
    path("surveys/calls/", views_surveys.my_calls, name="my_calls"),
    path("surveys/calls/<int:pk>/", views_surveys.call, name="call"),
    path("surveys/follow-ups/", views_surveys.follow_ups, name="follow_ups"),
    path("surveys/follow-ups/<int:pk>/done/", views_surveys.follow_up_done, name="follow_up_done"),
]
