"""The work pages: tasks, client requests and their triage, projects and the service catalogue.

Views read through selectors and write through services; they never touch a tenant model's manager.
"""

from keyaccount.work.views.projects import (
    account_work,
    goal_add,
    goal_delete,
    project_create,
    project_detail,
    project_edit,
    service_edit,
    service_list,
)
from keyaccount.work.views.requests import (
    request_create,
    request_detail,
    request_list,
    request_quote_answer,
    request_triage,
)
from keyaccount.work.views.tasks import (
    checklist_add,
    checklist_delete,
    checklist_toggle,
    comment_add,
    task_create,
    task_detail,
    task_edit,
    task_list,
    task_move_due,
    task_transition,
)

__all__ = [
    "account_work",
    "checklist_add",
    "checklist_delete",
    "checklist_toggle",
    "comment_add",
    "goal_add",
    "goal_delete",
    "project_create",
    "project_detail",
    "project_edit",
    "request_create",
    "request_detail",
    "request_list",
    "request_quote_answer",
    "request_triage",
    "service_edit",
    "service_list",
    "task_create",
    "task_detail",
    "task_edit",
    "task_list",
    "task_move_due",
    "task_transition",
]
