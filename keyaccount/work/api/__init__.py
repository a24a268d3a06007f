"""REST API of the delivery side, one module per subject: the service catalogue, projects and goals,
client requests and their triage, team tasks with their workflow, checklists and comments.

Serializers validate and render; every write goes to `keyaccount.work.services` with the signed-in
user as the actor, and every queryset comes from `keyaccount.work.selectors`.
"""

from __future__ import annotations

from typing import Any


def register(router: Any) -> None:
    """Put the delivery side's viewsets on the API router."""
    from keyaccount.work.api import catalogue, projects, requests, tasks

    router.register("services", catalogue.ServiceViewSet, basename="service")
    router.register("projects", projects.ProjectViewSet, basename="project")
    router.register("project-goals", projects.ProjectGoalViewSet, basename="project-goal")
    router.register("requests", requests.RequestViewSet, basename="request")
    router.register("tasks", tasks.TaskViewSet, basename="task")
    router.register("task-checklist-items", tasks.TaskChecklistItemViewSet, basename="task-checklist-item")
    router.register("task-comments", tasks.TaskCommentViewSet, basename="task-comment")
