from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("svar/<str:token>/", views.answer, name="answer"),
    path("arende/<int:pk>/", views.case_surveys, name="case"),
    path("arende/<int:pk>/<slug:occasion>/lank/", views.create_link, name="create_link"),
    path("arende/<int:pk>/<slug:occasion>/svara/", views.answer_on_screen, name="on_screen"),
    path("paminnelser/", views.reminders, name="reminders"),
    path("resultat/", views.results, name="results"),
]
