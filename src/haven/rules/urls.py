from django.urls import path

from haven.rules import views

app_name = "rules"
urlpatterns = [
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/<slug:programme_id>/", views.programme_detail, name="programme_detail"),
    path("programmes/<slug:programme_id>/check/", views.programme_check, name="programme_check"),
    path(
        "programmes/<slug:programme_id>/parameters/<slug:name>/",
        views.parameter_detail,
        name="parameter_history",
    ),
    path("work/programmes/", views.work_programmes, name="work_programmes"),
    path("work/programmes/<slug:programme_id>/", views.work_programme, name="work_programme"),
    path(
        "work/programmes/<slug:programme_id>/amendments/new/",
        views.amendment_new,
        name="amendment_new",
    ),
]
