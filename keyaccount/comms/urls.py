from django.urls import path

from keyaccount.comms import views

app_name = "comms"
urlpatterns = [
    path("interactions/", views.interaction_list, name="interaction_list"),
    path("interactions/<int:pk>/", views.interaction_detail, name="interaction_detail"),
    path("interactions/<int:pk>/edit/", views.interaction_edit, name="interaction_edit"),
    path("interactions/<int:pk>/held/", views.interaction_complete, name="interaction_complete"),
    path("interactions/<int:pk>/cancel/", views.interaction_cancel, name="interaction_cancel"),
    path("interactions/<int:pk>/delete/", views.interaction_delete, name="interaction_delete"),
    path("accounts/<int:account_pk>/", views.account_section, name="account_section"),
    path("accounts/<int:account_pk>/log/", views.interaction_log, name="interaction_log"),
    path("accounts/<int:account_pk>/timeline/", views.account_timeline_view, name="account_timeline"),
    path("contacts/<int:contact_pk>/", views.contact_section, name="contact_section"),
    path("due/", views.due_list, name="due_list"),
    path("due/panel/", views.due_panel, name="due_panel"),
]
