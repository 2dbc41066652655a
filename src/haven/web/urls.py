from django.urls import path

from haven.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.health, name="health"),
    path("work/commission/", views.work_commission, name="work_commission"),
    path("work/statistics/", views.work_statistics, name="work_statistics"),
]
