from django.urls import path

from beacon.partnership import views_meetings, views_powers, views_referrals, views_reviews

app_name = "partnership"

urlpatterns = [
    # Referrals (partners see their agency's only)
    path("referrals/", views_referrals.referral_list, name="referrals"),
    path("referrals/new/", views_referrals.referral_new, name="referral_new"),
    path("referrals/<int:pk>/", views_referrals.referral_detail, name="referral"),
    path("referrals/<int:pk>/response/", views_referrals.referral_response, name="referral_response"),
    path("referrals/<int:pk>/outcome/", views_referrals.referral_outcome, name="referral_outcome"),
    # Action groups and meetings
    path("groups/", views_meetings.group_list, name="groups"),
    path("groups/new/", views_meetings.group_new, name="group_new"),
    path("groups/<int:pk>/", views_meetings.group_detail, name="group"),
    path("groups/<int:pk>/meetings/new/", views_meetings.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views_meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/print/", views_meetings.meeting_print, name="meeting_print"),
    path("meetings/<int:pk>/agenda/", views_meetings.meeting_build_agenda, name="meeting_agenda"),
    path("meetings/<int:pk>/held/", views_meetings.meeting_held, name="meeting_held"),
    path("meetings/<int:pk>/cancel/", views_meetings.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/notes/", views_meetings.meeting_notes, name="meeting_notes"),
    path("meetings/<int:pk>/attendance/", views_meetings.meeting_attendance, name="meeting_attendance"),
    path("agenda-items/<int:pk>/minutes/", views_meetings.item_minutes, name="item_minutes"),
    path("agenda-items/<int:pk>/tasks/", views_meetings.item_task, name="item_task"),
    # Tools and powers
    path("cases/<int:case_id>/powers/new/", views_powers.power_new, name="power_new"),
    path("powers/<int:pk>/", views_powers.power_detail, name="power"),
    path("powers/<int:pk>/breaches/", views_powers.power_breach, name="power_breach"),
    path("powers/<int:pk>/update/", views_powers.power_update, name="power_update"),
    # ASB case reviews (Community Trigger)
    path("case-reviews/", views_reviews.review_list, name="reviews"),
    path("thresholds/panel/", views_reviews.thresholds_panel, name="thresholds_panel"),
    path("case-reviews/new/", views_reviews.review_new, name="review_new"),
    path("case-reviews/<int:pk>/", views_reviews.review_detail, name="review"),
    path("case-reviews/<int:pk>/decision/", views_reviews.review_decision, name="review_decision"),
    path("case-reviews/<int:pk>/outcome/", views_reviews.review_outcome, name="review_outcome"),
    # Administrators
    path("configure/", views_reviews.configure, name="configure"),
    path("configure/agencies/", views_reviews.configure_agency, name="configure_agency"),
    path("configure/powers/", views_reviews.configure_power_kind, name="configure_power_kind"),
    path("configure/policy/", views_reviews.configure_policy, name="configure_policy"),
]
