"""The REST API under /api/v1/: each app's viewsets on one router, plus sign-in, `me` and the schema."""

import json

from django.urls import path
from drf_spectacular.settings import spectacular_settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from keyaccount.accounts import api as accounts_api
from keyaccount.alerts import api as alerts_api
from keyaccount.billing import api as billing_api
from keyaccount.billing.api import receivables as billing_receivables_api
from keyaccount.billing.api import renewals as billing_renewals_api
from keyaccount.comms import api as comms_api
from keyaccount.contacts import api as contacts_api
from keyaccount.day import api as day_api
from keyaccount.health import api as health_api
from keyaccount.kpis import api as kpis_api
from keyaccount.notifications import api as notifications_api
from keyaccount.surveys import api as surveys_api
from keyaccount.tenancy import api as tenancy_api
from keyaccount.work import api as work_api

router = DefaultRouter()
accounts_api.register(router)
router.register("contacts", contacts_api.ContactViewSet, basename="contact")
router.register("contact-roles", contacts_api.ContactRoleViewSet, basename="contact-role")
router.register("interactions", comms_api.InteractionViewSet, basename="interaction")
router.register("contacts-due", comms_api.DueContactViewSet, basename="contact-due")
work_api.register(router)
router.register("users", tenancy_api.UserViewSet, basename="user")
router.register("invitations", tenancy_api.InvitationViewSet, basename="invitation")
router.register("notifications", notifications_api.NotificationViewSet, basename="notification")
billing_api.register(router)
for _app_api in (health_api, alerts_api, surveys_api):
    _app_api.register(router)


class SwaggerView(SpectacularSwaggerView):
    """Swagger UI without its online validator badge, which would send the schema's address to swagger.io."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        ui_settings = spectacular_settings.SWAGGER_UI_SETTINGS
        if isinstance(ui_settings, dict):
            response.data["settings"] = json.dumps({**ui_settings, "validatorUrl": None}, indent=2)
        return response


urlpatterns = [
    path("auth/token/", tenancy_api.ObtainTokenView.as_view(), name="api-token"),
    path("me/", tenancy_api.MeView.as_view(), name="api-me"),
    path("revenue-movements/", billing_renewals_api.revenue_movements_view, name="api-revenue-movements"),
    path("me/day/", day_api.MyDayView.as_view(), name="api-me-day"),
    path(
        "notification-preferences/",
        notifications_api.NotificationPreferencesView.as_view(),
        name="api-notification-preferences",
    ),
    path("billing-settings/", billing_receivables_api.BillingSettingsView.as_view(), name="api-billing-settings"),
    path("kpis/", kpis_api.KpiView.as_view(), name="api-kpis"),
    *health_api.API_PATHS,
    *alerts_api.API_PATHS,
    *surveys_api.API_PATHS,
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI from drf-spectacular-sidecar: every asset served by the site. (drf-spectacular's ReDoc
    # page is not offered: it loads fonts from Google.)
    path("docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    *router.urls,
]
