from django.urls import path

from . import full_extract_views, otp, views

app_name = "audit"
urlpatterns = [
    path("atkomstlogg/", views.access_log, name="access_log"),
    path("registerutdrag/", views.find_person, name="find_person"),
    path(
        "registerutdrag/alla-organisationer/",
        full_extract_views.full_extract,
        name="full_extract",
    ),
    path(
        "deltagare/<int:participant_id>/historik/",
        views.participant_history,
        name="participant_history",
    ),
    path(
        "deltagare/<int:participant_id>/registerutdrag/",
        views.register_extract,
        name="register_extract",
    ),
    path(
        "deltagare/<int:participant_id>/registerutdrag.pdf",
        views.register_extract_pdf,
        name="register_extract_pdf",
    ),
    path("tvastegsverifiering/", otp.verify, name="otp_verify"),
]
