"""The client account and what the account manager keeps about it."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from keyaccount.core.models import TenantModel, VersionedModel
from keyaccount.core.money import Currency, money_field


class AccountKind(models.TextChoices):
    B2B = "b2b", _("B2B")
    B2C = "b2c", _("B2C")


class AccountSize(models.TextChoices):
    MICRO = "micro", _("Micro (under 15 people)")
    SMALL = "small", _("Small (15–100)")
    MEDIUM = "medium", _("Medium (100–250)")
    LARGE = "large", _("Large (250–1000)")
    ENTERPRISE = "enterprise", _("Enterprise (over 1000)")


class AccountStatus(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding")
    ACTIVE = "active", _("Active")
    AT_RISK = "at_risk", _("At risk")
    PAUSED = "paused", _("Paused")
    CHURNED = "churned", _("Churned")


# Lifecycle moves an account manager may make; anything else is refused with the allowed list.
STATUS_TRANSITIONS: dict[str, set[str]] = {
    AccountStatus.ONBOARDING: {
        AccountStatus.ACTIVE,
        AccountStatus.AT_RISK,
        AccountStatus.PAUSED,
        AccountStatus.CHURNED,
    },
    AccountStatus.ACTIVE: {AccountStatus.AT_RISK, AccountStatus.PAUSED, AccountStatus.CHURNED},
    AccountStatus.AT_RISK: {AccountStatus.ACTIVE, AccountStatus.PAUSED, AccountStatus.CHURNED},
    AccountStatus.PAUSED: {AccountStatus.ACTIVE, AccountStatus.AT_RISK, AccountStatus.CHURNED},
    AccountStatus.CHURNED: {AccountStatus.ONBOARDING, AccountStatus.ACTIVE},
}


class ChurnReason(models.TextChoices):
    PRICE = "price", _("Price")
    QUALITY = "quality", _("Quality of our work")
    RESULTS = "results", _("Results below expectations")
    COMPETITOR = "competitor", _("Went to a competitor")
    IN_HOUSE = "in_house", _("Took the work in-house")
    BUDGET_CUT = "budget_cut", _("Budget cut")
    CONTACT_LEFT = "contact_left", _("Our contact left")
    BANKRUPTCY = "bankruptcy", _("Bankruptcy or closure")
    REORGANIZATION = "reorganization", _("Reorganization or head office decision")
    OTHER = "other", _("Other")


class Tier(models.TextChoices):
    KEY = "key", _("Key")
    STRATEGIC = "strategic", _("Strategic")
    STANDARD = "standard", _("Standard")


class Tag(TenantModel):
    """A free label an organization puts on accounts (e.g. "e-commerce", "holding")."""

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=50)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="tag_unique_name")]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Account(TenantModel, VersionedModel):
    """A client company (or person) the organization serves after the sale."""

    name = models.CharField(pgettext_lazy("thing", "name"), max_length=200)
    legal_name = models.CharField(_("legal name"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=AccountKind.choices, default=AccountKind.B2B)
    industry = models.CharField(_("industry"), max_length=120, blank=True)
    size = models.CharField(_("size"), max_length=16, choices=AccountSize.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    locations = models.TextField(_("offices and locations"), blank=True, help_text=_("One per line."))
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent account"),
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.RUB)
    status = models.CharField(
        _("status"), max_length=16, choices=AccountStatus.choices, default=AccountStatus.ONBOARDING
    )
    churn_reason = models.CharField(_("churn reason"), max_length=32, choices=ChurnReason.choices, blank=True)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices, default=Tier.STANDARD)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_accounts",
        verbose_name=_("account manager"),
        help_text=_("The account manager who owns the relationship."),
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="accounts", verbose_name=_("tags"))
    notes = models.TextField(_("notes"), blank=True)
    cadence_days = models.PositiveIntegerField(
        _("default contact cadence (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("How often to be in touch with this client's people unless a contact has their own cadence."),
    )
    response_target_hours = models.PositiveIntegerField(
        _("response target (business hours)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_("How soon a request must be answered, in the organization's business hours."),
    )

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["organization", "status"], name="account_org_status"),
            models.Index(fields=["organization", "owner"], name="account_org_owner"),
            models.Index(fields=["organization", "name"], name="account_org_name"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="account_unique_name"),
        ]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.name


class AccountStatusChange(TenantModel):
    """One move of the account through its lifecycle, with who moved it and why."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("account")
    )
    from_status = models.CharField(_("from"), max_length=16, choices=AccountStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=AccountStatus.choices)
    churn_reason = models.CharField(_("churn reason"), max_length=32, choices=ChurnReason.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("changed by")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "account", "-created_at"], name="status_change_org_acc")]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")


class TeamRole(models.TextChoices):
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    ASSISTANT = "assistant", _("Assistant account manager")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    SPECIALIST = "specialist", _("Specialist")
    EXECUTIVE_SPONSOR = "executive_sponsor", _("Executive sponsor")


class AccountTeamMember(TenantModel):
    """A person of our side working on the account, and in what role."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="team", verbose_name=_("account"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_teams", verbose_name=_("user")
    )
    role = models.CharField(_("role on the account"), max_length=32, choices=TeamRole.choices)

    class Meta:
        ordering = ["role", "id"]
        indexes = [models.Index(fields=["organization", "user"], name="team_org_user")]
        constraints = [
            models.UniqueConstraint(fields=["account", "user", "role"], name="team_unique_user_role"),
        ]
        verbose_name = _("account team member")
        verbose_name_plural = _("account team")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class HandoverBrief(TenantModel, VersionedModel):
    """What sales sold and promised, handed to the account manager with the client."""

    account = models.OneToOneField(
        Account, on_delete=models.CASCADE, related_name="handover", verbose_name=_("account")
    )
    sold_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handovers",
        verbose_name=_("sold by"),
    )
    what_was_sold = models.TextField(_("what was sold"), blank=True, help_text=_("Services, estimate, scope of work."))
    promises = models.TextField(_("promises made"), blank=True)
    deal_value = money_field(_("deal value"), null=True, blank=True, validators=[MinValueValidator(0)])
    expectations = models.TextField(_("client's expectations"), blank=True)
    signed_by = models.CharField(_("signed by (client side)"), max_length=200, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organization", "sold_by"], name="handover_org_sold_by")]
        verbose_name = _("handover brief")
        verbose_name_plural = _("handover briefs")

    def __str__(self) -> str:
        return f"{self.account} handover"


class OnboardingTemplateItem(TenantModel):
    """One default step of the first-month checklist, editable per organization."""

    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("onboarding template item")
        verbose_name_plural = _("onboarding template")

    def __str__(self) -> str:
        return self.title


class OnboardingItem(TenantModel):
    """One step of an account's onboarding checklist and when it was done."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="onboarding_items", verbose_name=_("account")
    )
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("onboarding item")
        verbose_name_plural = _("onboarding checklist")

    def __str__(self) -> str:
        return self.title


class ForceKind(models.TextChoices):
    SUPPLIER = "supplier", _("Supplier")
    CUSTOMER = "customer", _("Customer")
    COMPETITOR = "competitor", _("Competitor")
    SUBSTITUTE = "substitute", _("Substitute")


class Impact(models.TextChoices):
    POSITIVE = "positive", _("Positive (+)")
    NEGATIVE = "negative", _("Negative (−)")


class DrivingForce(TenantModel):
    """A change in the client's market (suppliers, customers, competitors, substitutes) and its impact."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="driving_forces", verbose_name=_("account")
    )
    kind = models.CharField(_("force"), max_length=16, choices=ForceKind.choices)
    subject = models.CharField(_("who"), max_length=200, blank=True, help_text=_("E.g. the competitor's name."))
    change = models.TextField(_("the change"))
    impact = models.CharField(_("impact"), max_length=16, choices=Impact.choices)
    noted_on = models.DateField(_("noted on"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "-noted_on", "-id"]
        verbose_name = _("driving force")
        verbose_name_plural = _("driving forces")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.change[:60]}"


class BusinessGoalRevision(TenantModel):
    """The client's business goal as we understand it on a date; the latest revision is the current goal."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="goal_revisions", verbose_name=_("account")
    )
    goal = models.TextField(_("business goal"))
    revised_on = models.DateField(_("revised on"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )

    class Meta:
        ordering = ["-revised_on", "-id"]
        verbose_name = _("business goal revision")
        verbose_name_plural = _("business goal revisions")

    def __str__(self) -> str:
        return f"{self.revised_on}: {self.goal[:60]}"
