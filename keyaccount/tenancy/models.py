"""Organizations (agencies), people who sign in, and their role in the organization."""

from __future__ import annotations

import datetime
import secrets
import zoneinfo
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from keyaccount.core import clock

TIMEZONE_CHOICES = [(name, name) for name in sorted(zoneinfo.available_timezones())]


class Organization(models.Model):
    """An agency or service company: every record in Keyaccount belongs to exactly one."""

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    default_currency = models.CharField(_("default currency"), max_length=3, default="RUB")
    timezone = models.CharField(_("time zone"), max_length=64, choices=TIMEZONE_CHOICES, default=settings.TIME_ZONE)
    workday_starts = models.TimeField(_("working day starts"), default=datetime.time(9, 0))
    workday_ends = models.TimeField(_("working day ends"), default=datetime.time(18, 0))
    workdays = models.CharField(
        _("working days"),
        max_length=20,
        default="1,2,3,4,5",
        help_text=_("ISO weekdays, 1 = Monday … 7 = Sunday, separated by commas."),
    )
    default_response_target_hours = models.PositiveIntegerField(
        _("default response target (business hours)"), default=8
    )
    default_cadence_days = models.PositiveIntegerField(_("default contact cadence (days)"), default=14)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class Holiday(models.Model):
    """A day off in the organization's calendar: business-hour targets skip it."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="holidays", verbose_name=_("organization")
    )
    date = models.DateField(_("date"))
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["organization", "date"], name="holiday_unique_date")]
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address."""

    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, choices=TIMEZONE_CHOICES, default=settings.TIME_ZONE)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    calendar_token = models.CharField(
        _("calendar feed token"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=dj_timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    HEAD = "head", _("Head of client service")
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    ASSISTANT = "assistant", _("Assistant account manager")
    SPECIALIST = "specialist", _("Specialist")
    SALES = "sales", _("Sales")
    CLIENT = "client", _("Client representative")


class Team(models.Model):
    """A group of account managers led by a head: dashboards compare each manager with their team."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="teams", verbose_name=_("organization")
    )
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=100)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead"),
        help_text=_("The head of client service who leads the team."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="team_unique_name")]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's place in one organization: the role decides what they see and change."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organization")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    client_account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("client account"),
        help_text=_("For a client representative: the one account whose portal they see."),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("team"),
        help_text=_("For an account manager: the team whose average their dashboard is compared with."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "role"], name="membership_org_role")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="client", client_account__isnull=False) | ~models.Q(role="client"),
                name="membership_client_has_account",
            )
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.role})"


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """An admin's invitation for a person to join the organization with a role."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organization")
    )
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    client_account = models.ForeignKey(
        "accounts.Account",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("client account"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=_invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "email"], name="invitation_org_email")]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > clock.now()
