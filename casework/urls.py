from django.urls import path

from . import views

app_name = "casework"
urlpatterns = [
    path("arenden/", views.caseload, name="caseload"),
    path("arenden/inaktiva/", views.inactive, name="inactive"),
    path("arenden/avsluta-flera/", views.bulk_exit, name="bulk_exit"),
    path("urval/spara/", views.save_filter, name="save_filter"),
    path("urval/<int:pk>/ta-bort/", views.delete_filter, name="delete_filter"),
    path("arenden/sok/", views.search, name="search"),
    path("arenden/utan-coach/", views.unassigned, name="unassigned"),
    path("arenden/flytta-arenden/", views.move_caseload, name="move_caseload"),
    path("arenden/<int:pk>/", views.case_detail, name="case_detail"),
    path("arenden/<int:pk>/atgard/<slug:action>/", views.case_action, name="case_action"),
]
