from django.urls import path

from . import saved_views, views

app_name = "indicators"
urlpatterns = [
    path("", views.report_view, name="report"),
    path("export.<str:fmt>", views.export_view, name="export"),
    path("diagram/", views.chart_view, name="chart"),
    path("faststall/", saved_views.save_view, name="save"),
    path("faststallda/", saved_views.saved_list_view, name="saved_list"),
    path("faststallda/<int:pk>/", saved_views.saved_view, name="saved"),
    path(
        "faststallda/<int:pk>/export.<str:fmt>",
        saved_views.saved_export_view,
        name="saved_export",
    ),
    path("personer/", views.persons_view, name="persons"),
]
