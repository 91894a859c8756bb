from django.urls import path

from . import views

app_name = "records"
urlpatterns = [
    path("", views.home, name="home"),
    path("mine/", views.mine, name="mine"),
    path("own/", views.own, name="own"),
    path("month/", views.completeness, name="completeness"),
    path("exemplary/", views.exemplary, name="exemplary"),
    path("setup/", views.setup, name="setup"),
    path("areas/<int:pk>/end/", views.area_end, name="area_end"),
    path("cadre/<int:cadre>/<str:month>/", views.record_edit, name="record_edit"),
    path("<int:pk>/", views.record_detail, name="record_detail"),
    path("<int:pk>/return/", views.record_return, name="record_return"),
]
