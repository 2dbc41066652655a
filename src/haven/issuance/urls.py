from django.urls import path

from haven.issuance import views

app_name = "issuance"
urlpatterns = [
    path("issued/<uuid:public_id>/pdf/", views.issued_pdf, name="pdf"),
    path(
        "issued/<uuid:public_id>/notifications/<int:year>/",
        views.notification_record,
        name="notification_record",
    ),
    path("verify/", views.verify, name="verify"),
    path("verify/<slug:number>/<slug:token>/", views.verify_link, name="verify_link"),
]
