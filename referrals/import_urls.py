from django.urls import path

from . import import_views

app_name = "imports"
urlpatterns = [
    path("", import_views.upload, name="upload"),
    path("<int:pk>/", import_views.status, name="status"),
    path("hjalp/", import_views.help_page, name="help"),
    path("mall.<str:kind>", import_views.template_file, name="template"),
]
