from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("konto/logga-in/", auth_views.LoginView.as_view(), name="login"),
    path("konto/logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("aktualiseringar/", include("referrals.urls")),
    path("import/", include("referrals.import_urls")),
    path("granskning/", include("audit.urls")),
    path("", include("casework.urls")),
    path("", views.home, name="home"),
]
