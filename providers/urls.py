from django.urls import path

from . import views

app_name = "providers"
urlpatterns = [
    path("", views.participants, name="participants"),
    path("<int:pk>/narvaro/", views.attendance, name="attendance"),
    path("uppfoljning/", views.follow_up, name="follow_up"),
    path("uppfoljning/placera/", views.place, name="place"),
    path("uppfoljning/placering/<int:pk>/avsluta/", views.placement_end, name="placement_end"),
]
