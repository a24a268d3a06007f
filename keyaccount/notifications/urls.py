"""The notifications list, marking read and email preferences."""

from django.urls import path

from keyaccount.notifications import views

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-mark-read"),
    path("notifications/read-all/", views.notification_read_all, name="notifications-mark-all-read"),
    path("notifications/preferences/", views.notification_preferences, name="notification-preferences"),
]
