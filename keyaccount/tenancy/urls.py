"""Signing in and out, password reset, people and invitations, personal preferences."""

from django.urls import path

from keyaccount.tenancy import views, views_teams

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("people/", views.people, name="people"),
    path("people/<int:membership_id>/role/", views.people_change_role, name="people-role"),
    path("people/teams/", views_teams.teams, name="teams"),
    path("people/teams/<int:pk>/delete/", views_teams.team_delete, name="team-delete"),
    path("people/teams/members/<int:membership_id>/", views_teams.team_member, name="team-member"),
    path("people/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("me/", views.preferences, name="preferences"),
]
