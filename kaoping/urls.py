from django.urls import include, path

from kaoping.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("kaoping.accounts.urls")),
    path("audit/", include("kaoping.audit.urls")),
    path("t/<slug:town>/schemes/", include("kaoping.indicators.urls")),
    path("t/<slug:town>/months/", include("kaoping.scoring.urls")),
    path("t/<slug:town>/supervision/", include("kaoping.supervision.urls")),
    path("t/<slug:town>/evaluation/", include("kaoping.evaluation.urls")),
    path("ballot/", include("kaoping.evaluation.ballot_urls")),
    path("t/<slug:town>/", core_views.town_home, name="town_home"),
    path("", include("kaoping.people.urls")),
    path("", core_views.home, name="home"),
]

# The application's own error page, in the user's language, also when the database is down.
handler500 = "kaoping.ops.views.server_error"
