from django.urls import path

from . import views

app_name = "referrals"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("ny/", views.referral_new, name="new"),
    path("ny/personnummer/", views.check_personnummer, name="check_personnummer"),
    path("ny/steg/", views.steps, name="steps"),
    path("<int:pk>/samrad/", views.case_samrad, name="samrad"),
    path("<int:pk>/coach/", views.case_assign, name="assign"),
    path("<int:pk>/start/", views.case_start, name="start"),
    path("<int:pk>/ej-aktuell/", views.case_close, name="close"),
    path("oversikt/", views.overview, name="overview"),
    path("vantelista/", views.waiting, name="waiting_list"),
]
