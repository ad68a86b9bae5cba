from django.urls import path

from beacon.inspections import views, views_manage

app_name = "inspections"
urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("mine/", views.my_actions, name="my_actions"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("inspections/<int:pk>/export/<str:fmt>/", views.export, name="export"),
    path("portfolios/<int:pk>/", views.portfolio_plan, name="portfolio"),
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("allocations/<int:pk>/update/", views.add_update, name="add_update"),
    path("allocations/<int:pk>/edit/", views.edit_allocation, name="edit_allocation"),
    path("allocations/<int:pk>/transfer/", views_manage.transfer, name="transfer"),
    path("import/", views_manage.import_plan, name="import"),
    path("extract/", views_manage.extract_report, name="extract"),
    path("rules/", views_manage.rules, name="rules"),
    path("boards/", views_manage.boards, name="boards"),
]
