from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("new/", views.round_create_view, name="round_create"),
    path("<str:round>/", views.round_detail, name="round_detail"),
    path("<str:round>/codes/", views.round_codes, name="round_codes"),
    path("<str:round>/move/", views.round_move_view, name="round_move"),
    path("<str:round>/results/", views.round_results, name="round_results"),
    path("<str:round>/results.xlsx", views.results_export, name="results_export"),
    path("<str:round>/ballots.xlsx", views.ballots_export, name="ballots_export"),
]
