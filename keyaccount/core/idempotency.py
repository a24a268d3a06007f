"""The `Idempotency-Key` header of the API: a client that repeats a write (a timeout, a retry) with the
same key gets the first answer back instead of a second record.

How it works: before the write, the key row is inserted in the same transaction as the write. A second
request with the same key waits on the unique constraint until the first commits, then finds the stored
answer; if the first fails, its row rolls back with it and the second is processed anew. The stored
answer is written when the write succeeds. A repeat with another body is refused with 422: the key
stands for one request only. Keys belong to an organization and a user.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from keyaccount.core.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=HEADER,
    type=OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "A unique key per intended write (e.g. a UUID), at most 255 characters. Repeating the request with "
        "the same key and the same body returns the first response (same status and body) and records "
        "nothing new; the same key with a different body is refused with 422. A request that failed "
        "leaves no key, so it may be retried with it."
    ),
)
IDEMPOTENCY_MISMATCH = OpenApiResponse(
    description="The Idempotency-Key was already used for a different request; nothing was recorded."
)


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = _(
        "This Idempotency-Key was already used with a different request. Nothing was recorded: "
        "send a new key for a new request."
    )


def _organization_id_of(user: Any) -> int | None:
    """The organization of the user's membership (keys are kept per member), read through the relation."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    try:
        return int(user.membership.organization_id)
    except ObjectDoesNotExist:
        return None


def fingerprint(request: Request) -> str:
    """A hash of the request's method, path and body, independent of the order of the body's keys."""
    data = request.data
    if hasattr(data, "lists"):
        data = dict(data.lists())
    body = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def _replay(stored: IdempotencyKey, request_hash: str) -> Response:
    if stored.request_hash != request_hash:
        raise KeyReused()
    response = Response(stored.response_body, status=stored.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(request: Request, scope: str, handler: Callable[[], Response]) -> Response:
    """Answer `handler()` once per `Idempotency-Key`; repeats get the stored answer.

    Without the header the handler simply runs. `scope` names the endpoint ("payments.create"), so one
    key may be used on two different endpoints.
    """
    key = request.headers.get(HEADER)
    if key is None:
        return handler()
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise exceptions.ValidationError({HEADER: [_("Send a key of 1 to 255 characters.")]})
    organization_id = _organization_id_of(request.user)
    if organization_id is None:
        raise exceptions.PermissionDenied()
    request_hash = fingerprint(request)
    lookup = {"organization_id": organization_id, "user_id": request.user.pk, "scope": scope, "key": key}

    stored = IdempotencyKey.objects.filter(**lookup).first()
    if stored is not None:
        return _replay(stored, request_hash)
    with transaction.atomic():
        try:
            with transaction.atomic():
                # On PostgreSQL a concurrent request with the same key waits here until this one ends.
                row = IdempotencyKey.objects.create(**lookup, request_hash=request_hash, response_status=0)
        except IntegrityError:
            row = None
        if row is None:
            return _replay(IdempotencyKey.objects.get(**lookup), request_hash)
        response = handler()
        if response.status_code >= 400:
            transaction.set_rollback(True)
            return response
        row.response_status = response.status_code
        row.response_body = json.loads(JSONRenderer().render(response.data) or b"null")
        row.save(update_fields=["response_status", "response_body"])
        return response
