"""Playbooks: the steps an alert of a rule and band sets as tasks; the defaults an organization starts
with, and the admins' and heads' edits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from keyaccount.alerts.models import AlertRule, Playbook, PlaybookBand, PlaybookSeed, PlaybookStep
from keyaccount.core import clock
from keyaccount.core.audit import audit_create, audit_delete, audit_record
from keyaccount.core.models import AuditAction
from keyaccount.core.services import claim_version, full_clean
from keyaccount.tenancy.models import Membership, Role
from keyaccount.tenancy.permissions import can, membership_of

if TYPE_CHECKING:
    from keyaccount.tenancy.models import User

PLAYBOOK_AUDIT_FIELDS = ["rule", "band", "name"]
MAX_STEPS = 20

# The playbooks an organization starts with: (rule, band) → name and steps (title, days until due).
# Titles are marked for translation and stored in the organization's language when first used.
DEFAULT_PLAYBOOKS: dict[tuple[str, str], tuple[str, list[tuple[str, int]]]] = {
    (AlertRule.BAND_DROP, PlaybookBand.RED): (
        gettext_noop("Account at risk"),
        [
            (gettext_noop("Call the decision maker"), 1),
            (gettext_noop("Review open tasks"), 2),
            (gettext_noop("Schedule a meeting with the sponsor"), 5),
        ],
    ),
    (AlertRule.BAND_DROP, PlaybookBand.YELLOW): (
        gettext_noop("Account needs attention"),
        [
            (gettext_noop("Review what changed in the account's health"), 2),
            (gettext_noop("Call the main contact"), 3),
        ],
    ),
    (AlertRule.MEASURE_BELOW, PlaybookBand.ANY): (
        gettext_noop("A measure fell below its threshold"),
        [
            (gettext_noop("Find out why the measure fell"), 2),
            (gettext_noop("Agree the next step with the client"), 5),
        ],
    ),
    (AlertRule.CHAMPION_LEFT, PlaybookBand.ANY): (
        gettext_noop("The champion left"),
        [
            (gettext_noop("Find out who takes over from the champion"), 2),
            (gettext_noop("Meet the new contact and present the results"), 7),
            (gettext_noop("Update the relationship map"), 7),
        ],
    ),
    (AlertRule.RENEWAL_AHEAD, PlaybookBand.ANY): (
        gettext_noop("Renewal ahead"),
        [
            (gettext_noop("Prepare the renewal offer"), 7),
            (gettext_noop("Review the results against the client's goals"), 7),
            (gettext_noop("Schedule the renewal meeting"), 14),
        ],
    ),
}


def playbook_ensure_defaults(organization_id: int, language: str | None = None) -> bool:
    """Give the organization the default playbooks the first time it needs them, in `language` (default:
    the installation's); True when created now.

    Claimed once per organization by a unique row, so two first uses at once create one set, and a
    playbook deleted later is not brought back.
    """
    if PlaybookSeed.objects.filter(organization_id=organization_id).exists():
        return False
    try:
        with transaction.atomic():
            PlaybookSeed.objects.create(organization_id=organization_id)
    except IntegrityError:
        return False
    existing = set(Playbook.objects.filter(organization_id=organization_id).values_list("rule", "band"))
    with translation.override(language or django_settings.LANGUAGE_CODE):
        for (rule, band), (name, steps) in DEFAULT_PLAYBOOKS.items():
            if (rule, band) in existing:
                continue
            try:
                with transaction.atomic():
                    playbook = Playbook.objects.create(
                        organization_id=organization_id, rule=rule, band=band, name=_(name)
                    )
            except IntegrityError:
                continue  # an admin wrote this rule and band's playbook a moment ago: theirs stands
            PlaybookStep.objects.bulk_create(
                PlaybookStep(
                    organization_id=organization_id, playbook=playbook, position=i, title=_(title), days_until_due=days
                )
                for i, (title, days) in enumerate(steps)
            )
            audit_create(actor=None, instance=playbook, fields=PLAYBOOK_AUDIT_FIELDS, account_id=None)
    return True


def _require_editor(actor: User) -> Membership:
    membership = membership_of(actor)
    if membership is None or not can(actor, "manage_playbooks"):
        raise PermissionDenied(_("Only admins and heads change playbooks."))
    return membership


def _clean_steps(organization_id: int, steps: Any) -> list[PlaybookStep]:
    """Steps as given ({title, days_until_due, assignee}); an error names the step by its number."""
    if not isinstance(steps, list | tuple):
        raise ValidationError({"steps": _("Give the steps as a list.")})
    if len(steps) > MAX_STEPS:
        raise ValidationError({"steps": _("A playbook has at most %(max)s steps.") % {"max": MAX_STEPS}})
    built, errors = [], []
    for number, spec in enumerate(steps, start=1):
        if not isinstance(spec, dict):
            errors.append(_("Step %(number)s: give its title and days until due.") % {"number": number})
            continue
        unknown = set(spec) - {"title", "days_until_due", "assignee"}
        if unknown:
            errors.append(
                _("Step %(number)s: unknown field %(fields)s.")
                % {"number": number, "fields": ", ".join(sorted(unknown))}
            )
            continue
        step = PlaybookStep(
            organization_id=organization_id,
            position=number - 1,
            title=str(spec.get("title") or "").strip(),
            days_until_due=spec.get("days_until_due", 3),
            assignee=spec.get("assignee"),
        )
        try:
            _check_assignee(organization_id, step.assignee)
            full_clean(step, exclude=["playbook"])
        except ValidationError as e:
            for field, messages in e.message_dict.items():
                for message in messages:
                    errors.append(
                        _("Step %(number)s, %(field)s: %(message)s")
                        % {"number": number, "field": field, "message": message}
                    )
            continue
        built.append(step)
    if errors:
        raise ValidationError({"steps": errors})
    return built


def _check_assignee(organization_id: int, user: User | None) -> None:
    if user is None:
        return
    membership = membership_of(user)
    if membership is None or membership.organization_id != organization_id or membership.role == Role.CLIENT:
        raise ValidationError({"assignee": _("Choose a colleague from your organization.")})


def _save_steps(playbook: Playbook, steps: list[PlaybookStep]) -> None:
    playbook.steps.all().delete()
    for step in steps:
        step.playbook = playbook
    PlaybookStep.objects.bulk_create(steps)


def _steps_audit(steps: list[PlaybookStep]) -> list[str]:
    return [f"{s.title} (+{s.days_until_due})" for s in steps]


@transaction.atomic
def playbook_create(
    *, actor: User, rule: str, band: str = "", name: str = "", steps: list[dict[str, Any]] | None = None
) -> Playbook:
    """Add a playbook for a rule (and a band of the account); admins and heads only."""
    membership = _require_editor(actor)
    playbook_ensure_defaults(membership.organization_id)
    playbook = Playbook(
        organization_id=membership.organization_id,
        rule=rule,
        band=band or "",
        name=(name or "").strip() or str(dict(AlertRule.choices).get(rule, rule))[:120],
    )
    taken = ValidationError({"band": _("This rule has a playbook for this band already: edit that one.")})
    same = Playbook.objects.filter(organization_id=membership.organization_id, rule=rule, band=playbook.band)
    if same.exists():
        raise taken
    try:
        full_clean(playbook)
    except ValidationError:
        if same.exists():
            raise taken from None  # another admin added it since the check above
        raise
    built = _clean_steps(membership.organization_id, steps or [])
    try:
        with transaction.atomic():
            playbook.save()
    except IntegrityError:
        raise taken from None  # another admin added it at the same moment
    _save_steps(playbook, built)
    audit_create(actor=actor, instance=playbook, fields=PLAYBOOK_AUDIT_FIELDS, account_id=None)
    return playbook


@transaction.atomic
def playbook_update(
    *, actor: User, playbook: Playbook, data: dict[str, Any], expected_version: int | None = None
) -> Playbook:
    """Rename a playbook or replace its steps (the whole list); the rule and band stay."""
    membership = _require_editor(actor)
    if playbook.organization_id != membership.organization_id:
        raise PermissionDenied(_("Only admins and heads change playbooks."))
    unknown = set(data) - {"name", "steps"}
    if unknown:
        raise ValidationError({n: _("This field cannot be changed; create another playbook.") for n in sorted(unknown)})
    before_name, before_steps = playbook.name, _steps_audit(list(playbook.steps.order_by("position", "id")))
    if "name" in data:
        playbook.name = str(data["name"] or "").strip()
    full_clean(playbook)
    built = _clean_steps(playbook.organization_id, data["steps"]) if "steps" in data else None
    claim_version(playbook, expected_version)
    Playbook.objects.filter(pk=playbook.pk).update(name=playbook.name, updated_at=clock.now())
    changes: dict[str, Any] = {}
    if playbook.name != before_name:
        changes["name"] = [before_name, playbook.name]
    if built is not None:
        _save_steps(playbook, built)
        after_steps = _steps_audit(built)
        if after_steps != before_steps:
            changes["steps"] = [before_steps, after_steps]
    audit_record(
        actor=actor,
        organization_id=playbook.organization_id,
        action=AuditAction.UPDATE,
        instance=playbook,
        changes=changes,
    )
    return playbook


@transaction.atomic
def playbook_delete(*, actor: User, playbook: Playbook) -> None:
    """Remove a playbook: its rule then sets no tasks (alerts already raised keep theirs)."""
    membership = _require_editor(actor)
    if playbook.organization_id != membership.organization_id:
        raise PermissionDenied(_("Only admins and heads change playbooks."))
    audit_delete(actor=actor, instance=playbook, fields=PLAYBOOK_AUDIT_FIELDS, account_id=None)
    playbook.delete()
