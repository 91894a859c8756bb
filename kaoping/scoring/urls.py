from django.urls import path

from . import adjustment_views, grid_views

app_name = "scoring"  # the month pages join it from kaoping.reports (kaoping/urls.py)

urlpatterns = [
    path("<str:month>/sheets/<int:sheet>/", grid_views.sheet_grid, name="sheet_grid"),
    path("<str:month>/sheets/<int:sheet>/save/", grid_views.sheet_save, name="sheet_save"),
    path("<str:month>/sheets/<int:sheet>/move/", grid_views.sheet_move_view, name="sheet_move"),
    path("<str:month>/sheets/<int:sheet>/excusals/", grid_views.excusal_add, name="excusal_add"),
    path(
        "<str:month>/sheets/<int:sheet>/excusals/<int:cadre>/remove/",
        grid_views.excusal_remove,
        name="excusal_remove",
    ),
    path("<str:month>/sheets/<int:sheet>/import/", grid_views.sheet_import, name="sheet_import"),
    path("<str:month>/sheets/<int:sheet>/template.xlsx", grid_views.sheet_template, name="sheet_template"),
    path("<str:month>/adjustments/", adjustment_views.adjustment_list, name="adjustment_list"),
    path("<str:month>/adjustments/new/", adjustment_views.adjustment_create_view, name="adjustment_create"),
    path("<str:month>/adjustments/<int:pk>/", adjustment_views.adjustment_detail, name="adjustment_detail"),
    path(
        "<str:month>/adjustments/<int:pk>/decide/",
        adjustment_views.adjustment_decide_view,
        name="adjustment_decide",
    ),
]
