"""The officials' work area under /work/: the queues, and each case with its actions."""

from django.urls import path

from haven.official_web import case_views, queue_views

app_name = "work"
urlpatterns = [
    # The queues (work_views).
    path("visas/", queue_views.visa_queue, name="visas"),
    path("visas/take-next/", queue_views.visa_take_next, name="visas_take_next"),
    path("permits/", queue_views.permit_queue, name="permits"),
    path("permits/take-next/", queue_views.permit_take_next, name="permits_take_next"),
    path("case/<uuid:public_id>/assign/", queue_views.case_assign_to_me, name="assign"),
    path("case/<uuid:public_id>/unassign/", queue_views.case_unassign, name="unassign"),
    # The case page and its actions (officer_views).
    path("case/<uuid:public_id>/", case_views.case_detail, name="case"),
    path("case/<uuid:public_id>/notes/", case_views.case_note_add, name="case_note_add"),
    path(
        "case/<uuid:public_id>/checklist/",
        case_views.case_check_document,
        name="case_check_document",
    ),
    path(
        "case/<uuid:public_id>/start-review/",
        case_views.case_start_review,
        name="case_start_review",
    ),
    path(
        "case/<uuid:public_id>/request-information/",
        case_views.case_request_information,
        name="case_request_information",
    ),
    path("case/<uuid:public_id>/approve/", case_views.case_approve, name="case_approve"),
    path("case/<uuid:public_id>/refuse/", case_views.case_refuse, name="case_refuse"),
    path(
        "case/<uuid:public_id>/record-entry/",
        case_views.case_record_entry,
        name="case_record_entry",
    ),
]
