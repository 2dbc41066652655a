from django.urls import path

from haven.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("work/visas/", views.work_visas, name="work_visas"),
    path("work/permits/", views.work_permits, name="work_permits"),
    path("work/commission/", views.work_commission, name="work_commission"),
    path("work/statistics/", views.work_statistics, name="work_statistics"),
]
