from django.urls import path

from . import correction_views

app_name = "results"

# Under /t/<town>/months/, before the scoring app's months (whose "<month>/" would match these).
urlpatterns = [
    path("corrections/", correction_views.correction_list, name="correction_list"),
    path("corrections/<int:pk>/", correction_views.correction_detail, name="correction_detail"),
    path("corrections/<int:pk>/decide/", correction_views.correction_decide, name="correction_decide"),
]
