from django.urls import path

from haven.applicant_web import views

app_name = "cases"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/json/", views.my_data_json, name="my_data_json"),
    path("my-data/pdf/", views.my_data_pdf, name="my_data_pdf"),
    path("start/<slug:programme_id>/", views.application_start, name="start"),
    path("<uuid:public_id>/", views.application_detail, name="detail"),
    path("<uuid:public_id>/about-you/", views.application_about_you, name="about_you"),
    path("<uuid:public_id>/passport/", views.application_passport, name="passport"),
    path("<uuid:public_id>/declaration/", views.application_declaration, name="declaration"),
    path("<uuid:public_id>/documents/", views.application_documents, name="documents"),
    path("<uuid:public_id>/check/", views.application_check, name="check"),
    path("<uuid:public_id>/submitted/", views.application_submitted, name="submitted"),
    path("<uuid:public_id>/status/", views.application_status, name="status"),
    path("<uuid:public_id>/withdraw/", views.application_withdraw, name="withdraw"),
    path("<uuid:public_id>/answer/", views.application_answer, name="answer"),
    path(
        "<uuid:public_id>/decisions/<uuid:decision_id>/letter.pdf",
        views.decision_letter,
        name="decision_letter",
    ),
]
