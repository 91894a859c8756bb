"""The public ballot: no login. The code never appears in a path or a query string (see ballot_views)."""

from django.urls import path

from . import ballot_views

app_name = "ballot"

urlpatterns = [path("", ballot_views.ballot, name="enter")]
