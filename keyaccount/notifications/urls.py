"""My day (the home page), notifications and the calendar feed."""

from django.urls import path

from keyaccount.notifications import views

urlpatterns = [
    path("", views.home, name="home"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-mark-read"),
    path("notifications/read-all/", views.notification_read_all, name="notifications-mark-all-read"),
    path("notifications/preferences/", views.notification_preferences, name="notification-preferences"),
    path("calendar/<str:token>.ics", views.calendar, name="calendar-feed"),
    path("calendar/token/", views.calendar_token_create, name="calendar-token"),
    path("calendar/token/revoke/", views.calendar_token_revoke, name="calendar-token-revoke"),
]
