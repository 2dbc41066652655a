from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("haven.web.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("home/", include("haven.accounts.urls")),
    path("audit/", include("haven.audit.urls")),
    path("accounts/", include("allauth.urls")),
]
