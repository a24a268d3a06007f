"""Pages of the alerts app."""

from django.urls import path

from keyaccount.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.alert_list, name="list"),
    path("<int:pk>/", views.alert_detail, name="detail"),
    path("<int:pk>/close/", views.alert_close, name="close"),
    path("playbooks/", views.playbook_list, name="playbooks"),
    path("playbooks/new/", views.playbook_edit, name="playbook_create"),
    path("playbooks/<int:pk>/", views.playbook_edit, name="playbook_edit"),
    path("playbooks/<int:pk>/delete/", views.playbook_delete, name="playbook_delete"),
]
