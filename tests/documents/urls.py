"""The project's URLs plus the documents app's, until the root URLconf includes them."""

from django.urls import URLResolver, include, path

from haven.urls import urlpatterns as project_urlpatterns

urlpatterns = list(project_urlpatterns)
if not any(
    isinstance(pattern, URLResolver) and pattern.namespace == "documents"
    for pattern in project_urlpatterns
):
    urlpatterns.append(path("documents/", include("haven.documents.urls")))
