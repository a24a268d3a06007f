"""Forms of the health pages: the organization's model and an account manager's assessment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from keyaccount.health.selectors import label_of

# Names of the measures' settings as the form shows them.
PARAM_LABELS = {
    "days": _("days"),
    "window_days": _("window (days)"),
    "target": _("engaged contacts wanted"),
    "days_to_zero": _("days overdue to reach 0"),
    "points_per_task": _("points off per late item"),
    "horizon_days": _("horizon (days)"),
}


class HealthModelForm(forms.Form):
    """Thresholds, then for each measure: weight, on/off, its settings and the alert level. Field names
    are `<key>-weight`, `<key>-enabled`, `<key>-alert_below` and `<key>-<setting>`."""

    red_below = forms.IntegerField(label=_("Red below"), min_value=0, max_value=100)
    green_from = forms.IntegerField(label=_("Green from"), min_value=0, max_value=100)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, measures: list[Any], defaults: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows: list[dict[str, Any]] = []
        for m in measures:
            self.fields[f"{m.key}-weight"] = forms.IntegerField(
                label=_("Weight"), min_value=0, max_value=1000, initial=m.weight
            )
            self.fields[f"{m.key}-enabled"] = forms.BooleanField(label=_("Counts"), required=False, initial=m.enabled)
            self.fields[f"{m.key}-alert_below"] = forms.IntegerField(
                label=_("Alert below"), min_value=0, max_value=100, required=False, initial=m.alert_below
            )
            param_names = list(defaults[m.key].params) if m.key in defaults else []
            for name in param_names:
                self.fields[f"{m.key}-{name}"] = forms.IntegerField(
                    label=PARAM_LABELS.get(name, name),
                    min_value=1,
                    initial=(m.params or {}).get(name, defaults[m.key].params[name]),
                )
            self.rows.append({"key": m.key, "label": label_of(m.key), "params": param_names})

    def bound_rows(self) -> list[dict[str, Any]]:
        """Each measure with its bound fields, for the template's table."""
        return [
            {
                "key": row["key"],
                "label": row["label"],
                "weight": self[f"{row['key']}-weight"],
                "enabled": self[f"{row['key']}-enabled"],
                "alert_below": self[f"{row['key']}-alert_below"],
                "params": [self[f"{row['key']}-{name}"] for name in row["params"]],
            }
            for row in self.rows
        ]

    def measures_data(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "key": row["key"],
                "weight": data[f"{row['key']}-weight"],
                "enabled": data[f"{row['key']}-enabled"],
                "alert_below": data[f"{row['key']}-alert_below"],
                "params": {name: data[f"{row['key']}-{name}"] for name in row["params"]},
            }
            for row in self.rows
        ]

    def renames(self) -> dict[str, str]:
        """A service error `measures.<key>.<field>` lands on its form field (settings: the first one)."""
        names: dict[str, str] = {}
        for row in self.rows:
            key = row["key"]
            for name in ("weight", "enabled", "alert_below"):
                names[f"measures.{key}.{name}"] = f"{key}-{name}"
            if row["params"]:
                names[f"measures.{key}.params"] = f"{key}-{row['params'][0]}"
        return names


class AssessmentForm(forms.Form):
    value = forms.IntegerField(
        label=_("Your assessment (0–100)"),
        min_value=0,
        max_value=100,
        help_text=_("0: we are about to lose the client; 100: the relationship could not be better."),
    )
    comment = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))
    expires_on = forms.DateField(
        label=_("Counts until"), widget=forms.DateInput(attrs={"type": "date"}), help_text=_("A day after today.")
    )
