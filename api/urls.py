"""/api/v1/: token-authenticated, so outside the web's login requirement."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from .indicators import IndicatorsView
from .views import EventsView, ParticipationView, ReferralsView

app_name = "api"


def _open(view, **kwargs):
    return login_not_required(view.as_view(**kwargs))


urlpatterns = [
    path("referrals", _open(ReferralsView), name="referrals"),
    path("participation", _open(ParticipationView), name="participation"),
    path("indicators", _open(IndicatorsView), name="indicators"),
    path("events", _open(EventsView), name="events"),
    path(
        "schema",
        _open(SpectacularAPIView, authentication_classes=[], permission_classes=[AllowAny]),
        name="schema",
    ),
]
