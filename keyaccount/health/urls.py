"""Pages of the health app."""

from django.urls import path

from keyaccount.health import views

app_name = "health"
urlpatterns: list = [
    path("settings/", views.model_settings, name="settings"),
    path("accounts/<int:pk>/", views.account_health, name="account"),
    path("accounts/<int:pk>/panel/", views.account_panel, name="panel"),
]
