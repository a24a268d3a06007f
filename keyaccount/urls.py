from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("keyaccount.notifications.urls")),
    path("", include("keyaccount.day.urls")),
    path("", include("keyaccount.tenancy.urls")),
    path("accounts/", include("keyaccount.accounts.urls")),
    path("contacts/", include("keyaccount.contacts.urls")),
    path("comms/", include("keyaccount.comms.urls")),
    path("work/", include("keyaccount.work.urls")),
    path("money/", include("keyaccount.billing.urls")),
    path("health/", include("keyaccount.health.urls")),
    path("alerts/", include("keyaccount.alerts.urls")),
    path("surveys/", include("keyaccount.surveys.urls")),
    path("dashboards/", include("keyaccount.dashboards.urls")),
    path("api/v1/", include("keyaccount.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]
