from django.urls import path

from . import views

app_name = "appeals"
urlpatterns = [
    path("", views.office_list, name="list"),
    path("mine/", views.my_appeals, name="mine"),
    path("rules/", views.rules, name="rules"),
    path("new/<str:stage>/<str:kind>/<int:subject>/", views.raise_view, name="raise"),
    path("<int:pk>/", views.detail, name="detail"),
]
