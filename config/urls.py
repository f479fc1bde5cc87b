from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from audit.login_form import LoginForm

from . import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "konto/logga-in/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("konto/logga-ut/", login_not_required(auth_views.LogoutView.as_view()), name="logout"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    # Django's set_language (what django.conf.urls.i18n includes), open before login too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("aktualiseringar/", include("referrals.urls")),
    path("import/", include("referrals.import_urls")),
    path("granskning/", include("audit.urls")),
    path("api/v1/", include("api.urls")),
    path("indikatorer/", include("casework.indicators.urls", namespace="indicators")),
    path("leverantor/", include("providers.urls")),
    path("enkat/", include("surveys.urls")),
    path("", include("casework.urls")),
    path("", views.home, name="home"),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
