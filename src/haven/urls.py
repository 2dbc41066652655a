from django.urls import include, path
from django.views.i18n import set_language

from haven.api import api

urlpatterns = [
    path("", include("haven.web.urls")),
    path("", include("haven.rules.urls")),
    path("api/v1/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("applications/", include("haven.applicant_web.urls")),
    path("work/", include("haven.official_web.urls")),
    path("documents/", include("haven.documents.urls")),
    path("", include("haven.issuance.urls")),
    path("home/", include("haven.accounts.urls")),
    path("audit/", include("haven.audit.urls")),
    path("accounts/", include("allauth.urls")),
]
