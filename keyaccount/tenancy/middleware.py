"""Speak the signed-in person's saved language."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

_SUPPORTED = {code for code, _label in settings.LANGUAGES}


class UserLanguageMiddleware:
    """Activate the user's saved language unless this browser chose one with the language switch (cookie).

    Runs after AuthenticationMiddleware (it needs `request.user`) and overrides only what LocaleMiddleware
    guessed from the Accept-Language header.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
            and user is not None
            and user.is_authenticated
            and getattr(user, "language", None) in _SUPPORTED
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)
