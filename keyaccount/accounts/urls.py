from django.urls import path

from keyaccount.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("new/", views.account_create, name="create"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/edit/", views.account_edit, name="edit"),
    path("<int:pk>/delete/", views.account_delete, name="delete"),
    path("<int:pk>/status/", views.account_status, name="status"),
    path("<int:pk>/owner/", views.account_owner, name="owner"),
    path("<int:pk>/team/", views.team_add, name="team_add"),
    path("<int:pk>/team/<int:member_pk>/remove/", views.team_remove, name="team_remove"),
    path("<int:pk>/handover/", views.handover_edit, name="handover"),
    path("<int:pk>/onboarding/", views.onboarding_add, name="onboarding_add"),
    path("<int:pk>/onboarding/<int:item_pk>/toggle/", views.onboarding_toggle, name="onboarding_toggle"),
    path("<int:pk>/onboarding/<int:item_pk>/delete/", views.onboarding_delete, name="onboarding_delete"),
    path("<int:pk>/forces/", views.force_add, name="force_add"),
    path("<int:pk>/forces/<int:force_pk>/edit/", views.force_edit, name="force_edit"),
    path("<int:pk>/forces/<int:force_pk>/delete/", views.force_delete, name="force_delete"),
    path("<int:pk>/goal/", views.goal_revise, name="goal_revise"),
]
