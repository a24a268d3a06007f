"""Small template helpers of the tenancy pages."""

from __future__ import annotations

import datetime
import math

from django import template

register = template.Library()


@register.filter
def minutes(value: datetime.timedelta | None) -> int:
    """A duration in whole minutes, rounded up (a pause of 90 seconds reads "2 minutes")."""
    if not value:
        return 0
    return max(1, math.ceil(value.total_seconds() / 60))
