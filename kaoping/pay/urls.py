from django.urls import path

from . import views

app_name = "pay"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("mine/", views.mine, name="mine"),
    path("<int:year>/<str:kind>/", views.plan, name="plan"),
    path("<int:year>/<str:kind>/compute/", views.plan_compute, name="plan_compute"),
    path("<int:year>/<str:kind>/move/<str:to>/", views.plan_move, name="plan_move"),
    path("<int:year>/<str:kind>/withdraw/", views.plan_withdraw, name="plan_withdraw"),
    path("<int:year>/<str:kind>/pay.xlsx", views.plan_export, name="plan_export"),
]
