"""Changes to alerts and playbooks, one module each (`alerts`: raising and closing; `playbooks`).

`alerts_raise` runs inside the transaction that stores an account's new health (the `health_recomputed`
receiver), in the task worker's recompute job, never in a user's request: it evaluates the rules
(`alerts/rules.py`), opens one alert per rule and key that is not open yet (a conditional unique
constraint decides between two recomputes at once), sets the playbook's tasks and tells the account
manager, and the heads when the account is red. People close alerts with an outcome; admins and heads
edit playbooks. Every write is checked, validated and audited.
"""

from keyaccount.alerts.services.alerts import (
    ALERT_AUDIT_FIELDS,
    TASK_DUE_HOUR,
    alert_close,
    alerts_raise,
    on_health_recomputed,
)
from keyaccount.alerts.services.playbooks import (
    DEFAULT_PLAYBOOKS,
    MAX_STEPS,
    PLAYBOOK_AUDIT_FIELDS,
    playbook_create,
    playbook_delete,
    playbook_ensure_defaults,
    playbook_update,
)

__all__ = [
    "ALERT_AUDIT_FIELDS",
    "DEFAULT_PLAYBOOKS",
    "MAX_STEPS",
    "PLAYBOOK_AUDIT_FIELDS",
    "TASK_DUE_HOUR",
    "alert_close",
    "alerts_raise",
    "on_health_recomputed",
    "playbook_create",
    "playbook_delete",
    "playbook_ensure_defaults",
    "playbook_update",
]
