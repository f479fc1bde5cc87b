from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.report_view, name="report"),
    path("export.<str:fmt>", views.export_view, name="export"),
    path("faststall/", views.save_view, name="save"),
    path("faststallda/<int:pk>/", views.saved_view, name="saved"),
    path("personer/", views.persons_view, name="persons"),
]
