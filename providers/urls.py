from django.urls import path

from . import views

app_name = "providers"
urlpatterns = [
    path("", views.participants, name="participants"),
    path("<int:pk>/narvaro/", views.attendance, name="attendance"),
    path("uppfoljning/", views.follow_up, name="follow_up"),
    path("uppfoljning/placera/", views.place, name="place"),
]
