from django.urls import include, path

from kaoping.core import views as core_views
from kaoping.reports import urls as reports_urls
from kaoping.scoring import urls as scoring_urls
from kaoping.site import views as site_views
from kaoping.supervision import urls as supervision_urls

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("kaoping.accounts.urls")),
    path("audit/", include("kaoping.audit.urls")),
    path("inbox/", include("kaoping.inbox.urls")),
    path("t/<slug:town>/schemes/", include("kaoping.indicators.urls")),
    path("t/<slug:town>/months/", include("kaoping.results.urls")),
    # The month pages (reports) and the scoring pages share the `scoring` namespace and its names.
    path("t/<slug:town>/months/", include((reports_urls.months + scoring_urls.urlpatterns, "scoring"))),
    path(
        "t/<slug:town>/supervision/",
        include((reports_urls.bulletins + supervision_urls.urlpatterns, "supervision")),
    ),
    path("t/<slug:town>/evaluation/", include("kaoping.evaluation.urls")),
    path("t/<slug:town>/quarterly/", include("kaoping.quarterly.urls")),
    path("t/<slug:town>/appeals/", include("kaoping.appeals.urls")),
    path("t/<slug:town>/annual/", include("kaoping.annual.urls")),
    path("t/<slug:town>/pay/", include("kaoping.pay.urls")),
    path("t/<slug:town>/yearbook/", include("kaoping.yearbook.urls")),
    path("t/<slug:town>/files/", include("kaoping.files.urls")),
    path("t/<slug:town>/records/", include("kaoping.records.urls")),
    path("t/<slug:town>/meetings/", include("kaoping.reports.meeting_urls")),
    path("ballot/", include("kaoping.evaluation.ballot_urls")),
    path("t/<slug:town>/cadres/<int:pk>/dossier/", include("kaoping.dossier.urls")),
    path("t/<slug:town>/", site_views.town_home, name="town_home"),
    path("", include("kaoping.people.urls")),
    path("", site_views.home, name="home"),
]

# The application's own error pages, in the user's language (the 500 one also when the database is
# down), each with a way back; the CSRF failure page is settings.CSRF_FAILURE_VIEW.
handler403 = "kaoping.ops.views.permission_denied"
handler404 = "kaoping.ops.views.page_not_found"
handler500 = "kaoping.ops.views.server_error"
