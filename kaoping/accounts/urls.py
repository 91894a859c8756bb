from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("password/set/<uidb64>/<token>/", views.password_set_view, name="password_set"),
    path("t/<slug:town>/users/", views.user_list, name="user_list"),
    path("t/<slug:town>/users/new/", views.user_edit, name="user_create"),
    path("t/<slug:town>/users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("t/<slug:town>/users/<int:pk>/password/", views.user_password, name="user_password"),
    path("t/<slug:town>/users/<int:pk>/unlock/", views.user_unlock_view, name="user_unlock"),
]
