from django.urls import path

from . import meeting_views

app_name = "meetings"
urlpatterns = [
    path("<int:year>/<int:month>/", meeting_views.month_page, name="month"),
    path("<int:year>/<int:month>/docx/", meeting_views.month_docx, name="month_docx"),
    path("<int:year>/<int:month>/pdf/", meeting_views.month_pdf, name="month_pdf"),
    path("<int:year>/<int:month>/archive/", meeting_views.archive, name="archive"),
    path("decide/<int:pk>/", meeting_views.decide, name="decide"),
]
