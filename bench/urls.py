"""Haven's URLs plus ``/bench/bare/``: the least a Django view can do, as the yardstick."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from haven.urls import urlpatterns as haven_urlpatterns


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *haven_urlpatterns]
