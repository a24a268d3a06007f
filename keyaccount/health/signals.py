"""Sent after an account's health is recomputed and saved (inside the same transaction, in the task
worker: the recompute job of a marked account, or the daily job — never in a user's request).

Receivers get `account` (an Account), `previous` (the Scored stored before, or None the first time),
`current` (the new Scored) and `as_of` (the day it was computed for). The alerts app listens here, so
health never imports alerts.
"""

from django.dispatch import Signal

health_recomputed = Signal()
