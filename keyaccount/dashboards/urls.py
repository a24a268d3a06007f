"""Pages of the dashboards app: the organization (or a team), an account manager, an account."""

from django.urls import path

from keyaccount.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.organization, name="organization"),
    path("am/<int:user_id>/", views.account_manager, name="am"),
    path("accounts/<int:pk>/", views.account, name="account"),
]
