"""My day (the home page) and the private calendar feed."""

from django.urls import path

from keyaccount.day import views

urlpatterns = [
    path("", views.home, name="home"),
    path("calendar/<str:token>.ics", views.calendar, name="calendar-feed"),
    path("calendar/token/", views.calendar_token_create, name="calendar-token"),
    path("calendar/token/revoke/", views.calendar_token_revoke, name="calendar-token-revoke"),
]
