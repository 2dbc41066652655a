from django.apps import AppConfig


class ApplicantWebConfig(AppConfig):
    name = "haven.applicant_web"
    label = "applicant_web"
    verbose_name = "Applicant's pages and API"
