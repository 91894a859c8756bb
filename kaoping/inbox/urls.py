from django.urls import path

from . import views

app_name = "inbox"

urlpatterns = [
    path("", views.message_list, name="message_list"),
    path("badge/", views.unread_badge, name="badge"),
    path("read-all/", views.read_all, name="read_all"),
    path("<int:pk>/", views.message_open, name="message_open"),
    path("<int:pk>/read/", views.message_read, name="message_read"),
]
