from django.urls import path

from keyaccount.work import views

app_name = "work"
urlpatterns = [
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/transition/", views.task_transition, name="task_transition"),
    path("tasks/<int:pk>/due/", views.task_move_due, name="task_move_due"),
    path("tasks/<int:pk>/checklist/", views.checklist_add, name="checklist_add"),
    path("tasks/<int:pk>/checklist/<int:item_pk>/toggle/", views.checklist_toggle, name="checklist_toggle"),
    path("tasks/<int:pk>/checklist/<int:item_pk>/delete/", views.checklist_delete, name="checklist_delete"),
    path("tasks/<int:pk>/comments/", views.comment_add, name="comment_add"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("requests/<int:pk>/triage/", views.request_triage, name="request_triage"),
    path("requests/<int:pk>/quote-answer/", views.request_quote_answer, name="request_quote_answer"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/goals/", views.goal_add, name="goal_add"),
    path("projects/<int:pk>/goals/<int:goal_pk>/delete/", views.goal_delete, name="goal_delete"),
    path("services/", views.service_list, name="service_list"),
    path("services/<int:pk>/edit/", views.service_edit, name="service_edit"),
    path("accounts/<int:pk>/work/", views.account_work, name="account_work"),
]
