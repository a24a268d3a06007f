"""REST API of accounts and what hangs off them, one module per subject: accounts and tags, the account
team, the client context, the handover and onboarding checklist, the history.

Serializers validate and render; every write goes to `keyaccount.accounts.services` with the
signed-in user as the actor, and every queryset comes from `keyaccount.accounts.selectors`.
"""

from __future__ import annotations

from typing import Any


def register(router: Any) -> None:
    """Put the account side's viewsets on the API router."""
    from keyaccount.accounts.api import accounts, context, handover, history, team

    router.register("accounts", accounts.AccountViewSet, basename="account")
    router.register("tags", accounts.TagViewSet, basename="tag")
    router.register("team-members", team.TeamMemberViewSet, basename="team-member")
    router.register("driving-forces", context.DrivingForceViewSet, basename="driving-force")
    router.register("goal-revisions", context.GoalRevisionViewSet, basename="goal-revision")
    router.register("handovers", handover.HandoverViewSet, basename="handover")
    router.register("onboarding-items", handover.OnboardingItemViewSet, basename="onboarding-item")
    router.register("status-changes", history.StatusChangeViewSet, basename="status-change")
    router.register("audit-events", history.AuditEventViewSet, basename="audit-event")
