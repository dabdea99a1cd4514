"""Language choice and locale-aware formatting.

Translations and formatters are bound once per request and language: Flask-Babel
looks the request's locale, domain and catalogue up through several context proxies
on every translated string (a page has hundreds), and Flask-WTF parses WTForms' own
catalogue from disk on every request. Here the catalogue of the request's locale is
resolved once and kept beside Flask-Babel's own per-request state (``g._flask_babel``),
so ``force_locale`` and ``refresh`` still switch it; the date and number patterns of
each locale are parsed once per process.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache, lru_cache
from operator import attrgetter, methodcaller
from typing import Any, NamedTuple

import flask_babel
from babel import Locale, dates, numbers
from babel.support import NullTranslations, Translations
from flask import Flask, Request, current_app, request
from flask.globals import _cv_app
from flask_babel import Domain, get_locale
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup
from pytz import timezone as pytz_timezone
from pytz import utc
from wtforms.i18n import messages_path

from tracker.domain.clock import utc_to_local
from tracker.domain.instruments import Instrument

# -- the request's catalogue, resolved once --------------------------------------------------


class _Bound(NamedTuple):
    """The locale, domain and catalogue of one app or request context."""

    locale: Locale
    domain: Domain
    translations: NullTranslations
    name: str  # str(locale), e.g. "de"


_BOUND = "tracker_bound"  # attribute on Flask-Babel's per-context namespace


def _bound() -> _Bound | None:
    """This context's locale and catalogue (``None`` outside an app context)."""
    ctx = _cv_app.get(None)
    if ctx is None:
        return None
    state = ctx.g.__dict__.get("_flask_babel")
    if state is not None:
        names = state.__dict__
        bound = names.get(_BOUND)
        # Flask-Babel's force_locale and refresh replace or drop babel_locale: a
        # catalogue bound to another locale object is never reused.
        if (
            bound is not None
            and bound.locale is names.get("babel_locale")
            and bound.domain is names.get("babel_domain")
        ):
            return bound
    domain = get_domain()
    if isinstance(domain, RequestDomain):
        translations = Domain.get_translations(domain)
    else:
        translations = domain.get_translations()
    state = ctx.g._flask_babel
    locale = state.babel_locale
    bound = _Bound(locale, domain, translations, str(locale))
    setattr(state, _BOUND, bound)
    return bound


class RequestDomain(Domain):
    """Flask-Babel's default domain, with the catalogue looked up once per context
    (``gettext``, ``lazy_gettext`` and forms' labels all go through it)."""

    def get_translations(self) -> NullTranslations:
        bound = _bound()
        return bound.translations if bound is not None else super().get_translations()


_flask_babel_get_domain = flask_babel.get_domain


def get_domain() -> Domain:
    """``flask_babel.get_domain``, reading the context's domain without going through
    the ``g`` proxy three times. Flask-Babel's gettext, ngettext and the lazy strings of
    form labels call it for every string; ``register`` installs it in their module."""
    ctx = _cv_app.get(None)
    if ctx is not None:
        state = ctx.g.__dict__.get("_flask_babel")
        if state is not None:
            domain = state.__dict__.get("babel_domain")
            if domain is not None:
                return domain
    return _flask_babel_get_domain()


def gettext(string: str, **variables: Any) -> str:
    """``flask_babel.gettext`` without its per-call context lookups."""
    bound = _bound()
    text = bound.translations.ugettext(string) if bound is not None else string
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """``flask_babel.ngettext`` without its per-call context lookups."""
    variables.setdefault("num", num)
    return _plural_text(singular, plural, num) % variables


def _plural_text(singular: str, plural: str, num: int) -> str:
    """The translation of ``singular``/``plural`` for ``num`` in the bound catalogue."""
    bound = _bound()
    if bound is not None:
        return bound.translations.ungettext(singular, plural, num)
    return singular if num == 1 else plural


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """A string translated when it is used (form labels defined at import time)."""
    return LazyString(gettext, string, **variables)


# -- the template callables ----------------------------------------------------------------
# Jinja's newstyle gettext (which Flask-Babel installs) wraps each callable twice in
# context-passing functions; these do the same in one call: translate, mark safe when
# the template autoescapes, and always treat the text as a %-format string.


def _formatted(eval_ctx: EvalContext, text: str, variables: dict[str, Any]) -> str:
    if eval_ctx.autoescape:
        # Catalogue text is the app's own (msgids in our templates, reviewed msgstrs):
        # Jinja's newstyle gettext marks it safe too. Markup's % escapes the variables.
        text = Markup(text)  # noqa: S704
    # A text without "%" and without variables formats to itself: skip the formatting.
    return text % variables if variables or "%" in text else text


@pass_eval_context
def _template_gettext(eval_ctx: EvalContext, string: str, **variables: Any) -> str:
    bound = _bound()
    text = bound.translations.ugettext(string) if bound is not None else string
    return _formatted(eval_ctx, text, variables)


@pass_eval_context
def _template_ngettext(
    eval_ctx: EvalContext, singular: str, plural: str, num: int, **variables: Any
) -> str:
    variables.setdefault("num", num)
    return _formatted(eval_ctx, _plural_text(singular, plural, num), variables)


@pass_eval_context
def _template_pgettext(eval_ctx: EvalContext, context: str, string: str, **variables: Any) -> str:
    variables.setdefault("context", context)
    bound = _bound()
    text = bound.translations.upgettext(context, string) if bound is not None else string
    return _formatted(eval_ctx, text, variables)


@pass_eval_context
def _template_npgettext(
    eval_ctx: EvalContext, context: str, singular: str, plural: str, num: int, **variables: Any
) -> str:
    variables.setdefault("context", context)
    variables.setdefault("num", num)
    bound = _bound()
    if bound is not None:
        text = bound.translations.unpgettext(context, singular, plural, num)
    else:
        text = singular if num == 1 else plural
    return _formatted(eval_ctx, text, variables)


# -- WTForms' own messages ---------------------------------------------------------------------


@cache
def _wtforms_catalogue(locale_name: str) -> NullTranslations:
    return Translations.load(messages_path(), [locale_name], domain="wtforms")


class _WTFormsTranslations:
    """WTForms' built-in messages in the request's language, each catalogue parsed
    once per process (Flask-WTF would parse it on every request that uses a form)."""

    @staticmethod
    def _catalogue() -> NullTranslations:
        bound = _bound()
        return _wtforms_catalogue(bound.name if bound is not None else "en")

    def ugettext(self, string: str) -> str:
        return self._catalogue().ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalogue().ungettext(singular, plural, n)


class TrackerRequest(Request):
    # Flask-WTF uses ``request.wtforms_translations`` when set (its per-request cache).
    wtforms_translations = _WTFormsTranslations()


# -- language choice ---------------------------------------------------------------------------


@cache
def _parsed_locale(code: str) -> Locale:
    return Locale.parse(code)


def select_locale() -> Locale:
    """The user's chosen language, else the browser's best match, else the default (as a
    Locale parsed once per process: Flask-Babel would parse the code on every request)."""
    config = current_app.config
    languages = config["LANGUAGES"]
    user = current_user._get_current_object()  # None outside a request
    if user is not None and user.is_authenticated and user.locale in languages:
        return _parsed_locale(user.locale)
    code = request.accept_languages.best_match(languages) or config["BABEL_DEFAULT_LOCALE"]
    return _parsed_locale(code)


def current_locale() -> str:
    """The language code of this response, for ``<html lang>``."""
    bound = _bound()
    if bound is not None:
        return bound.name
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def instrument_in_language(instrument: Instrument) -> bool:
    """Whether the questionnaire has a published version in the language of this response."""
    bound = _bound()
    return instrument.has_version_in(bound.locale.language if bound is not None else "en")


def instrument_text(instrument: Instrument, text: str) -> str:
    """An instrument's instruction, item or answer in this language, else its English original.

    We never show our own translation of a questionnaire: only a published version may
    be reproduced, and where there is none the English text is the validated one.
    """
    return gettext(text) if instrument_in_language(instrument) else text


# -- formatters --------------------------------------------------------------------------------
# Flask-Babel's format_* look the locale up, and babel re-reads the locale's pattern and
# walks its locale data (month names, AM/PM) on every call. Here each pattern is parsed
# once per locale, and the text of each of its fields (a month name, a day number) is
# worked out once per locale and the part of the value it depends on (the month, the
# day): a date is then a few dictionary lookups. Fields whose text depends on more
# (week numbers, time zones) are left to babel.

_NAMED_FORMATS = frozenset({"full", "long", "medium", "short"})

# Pattern letters whose text depends only on this part of the value (and the locale).
_FIELD_KEYS: dict[str, Callable[[Any], Any]] = {
    "y": attrgetter("year"),
    "M": attrgetter("month"),
    "L": attrgetter("month"),
    "d": attrgetter("day"),
    "E": methodcaller("weekday"),
    "e": methodcaller("weekday"),
    "c": methodcaller("weekday"),
    "a": attrgetter("hour"),
    "h": attrgetter("hour"),
    "H": attrgetter("hour"),
    "K": attrgetter("hour"),
    "k": attrgetter("hour"),
    "m": attrgetter("minute"),
    "s": attrgetter("second"),
}
_FIELD_TEXTS: dict[tuple[str, str, Any], str] = {}
_MAX_FIELD_TEXTS = 20_000


class _Pattern(NamedTuple):
    pattern: dates.DateTimePattern
    # (field, the part of the value it depends on); None when a field needs babel.
    fields: tuple[tuple[str, Callable[[Any], Any]], ...] | None


def _compiled(pattern: dates.DateTimePattern) -> _Pattern:
    tokens = dates.tokenize_pattern(pattern.pattern)
    names = {value[0] * value[1] for kind, value in tokens if kind == "field"}
    if all(name[0] in _FIELD_KEYS for name in names):
        return _Pattern(pattern, tuple((name, _FIELD_KEYS[name[0]]) for name in names))
    return _Pattern(pattern, None)


def _apply(compiled: _Pattern, value, locale: Locale, name: str) -> str:
    """``compiled.pattern.apply(value, locale)``, from the remembered field texts."""
    if compiled.fields is None:
        return compiled.pattern.apply(value, locale)
    parts = {}
    for field, part_of in compiled.fields:
        key = (name, field, part_of(value))
        text = _FIELD_TEXTS.get(key)
        if text is None:
            text = dates.DateTimeFormat(value, locale)[field]
            if len(_FIELD_TEXTS) < _MAX_FIELD_TEXTS:
                _FIELD_TEXTS[key] = text
        parts[field] = text
    return compiled.pattern.format % parts


@lru_cache(maxsize=256)
def _date_pattern(locale_name: str, fmt: str) -> _Pattern:
    if fmt in _NAMED_FORMATS:
        return _compiled(dates.get_date_format(fmt, locale=locale_name))
    return _compiled(dates.parse_pattern(fmt))


@lru_cache(maxsize=256)
def _time_pattern(locale_name: str, fmt: str) -> _Pattern:
    if fmt in _NAMED_FORMATS:
        return _compiled(dates.get_time_format(fmt, locale=locale_name))
    return _compiled(dates.parse_pattern(fmt))


@lru_cache(maxsize=256)
def _number_pattern(fmt: str) -> numbers.NumberPattern:
    return numbers.parse_pattern(fmt)


@lru_cache(maxsize=16)
def _timezone(name: str):
    return pytz_timezone(name)


def _locale() -> tuple[Locale, str]:
    bound = _bound()
    if bound is not None:
        return bound.locale, bound.name
    locale = get_locale() or Locale.parse(current_app.config["BABEL_DEFAULT_LOCALE"])
    return locale, str(locale)


def _babel_timezone():
    """Flask-Babel's display zone (no selector is installed: the configured default)."""
    return _timezone(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _in_babel_zone(value: datetime) -> datetime:
    """A datetime as Flask-Babel shows it: naive means UTC, shown in its zone."""
    zone = _babel_timezone()
    if value.tzinfo is None:
        if zone is utc:
            return value
        value = value.replace(tzinfo=utc)
    return zone.normalize(value.astimezone(zone))


def format_date(value, fmt: str = "medium") -> str:
    """A date (or a datetime's date in Flask-Babel's zone) in the locale: what
    ``flask_babel.format_date`` gives."""
    if isinstance(value, datetime):
        value = _in_babel_zone(value).date()
    locale, name = _locale()
    return _apply(_date_pattern(name, fmt), value, locale, name)


def format_time(value, fmt: str = "medium") -> str:
    """A time (or a datetime's time in Flask-Babel's zone) in the locale: what
    ``flask_babel.format_time`` gives."""
    locale, name = _locale()
    compiled = _time_pattern(name, fmt)
    if compiled.fields is None:
        return dates.format_time(value, compiled.pattern, tzinfo=_babel_timezone(), locale=locale)
    if isinstance(value, datetime):
        value = _in_babel_zone(value)
    return _apply(compiled, value, locale, name)


def format_local_datetime(value, tz: str) -> str:
    """Date (medium) and time (short, no seconds) in the practice's zone and the locale."""
    if not value:
        return ""
    local = utc_to_local(value, tz).replace(tzinfo=None)
    return f"{format_date(local, 'medium')}, {format_time(local, 'short')}"


def format_local_time(value, tz: str, fmt: str = "short") -> str:
    """A time of day in the practice's zone and the locale."""
    if not value:
        return ""
    return format_time(utc_to_local(value, tz).replace(tzinfo=None), fmt)


def format_number(value, pattern: str = "#,##0.##") -> str:
    """A number in the reader's locale (82.5 kg in English, 82,5 kg in German)."""
    if value is None:
        return ""
    locale, _name = _locale()
    return numbers.format_decimal(value, format=_number_pattern(pattern), locale=locale)


def format_minutes(minutes: int) -> str:
    """A duration in whole hours and minutes ("2 hours", "1 hour 30 minutes"), never
    rounded: it states a practice's time limit."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(num)s hour", "%(num)s hours", hours))
    if rest or not hours:
        parts.append(ngettext("%(num)s minute", "%(num)s minutes", rest))
    return " ".join(parts)


def register(app: Flask) -> None:
    config = app.extensions["babel"]
    # Flask-Babel's default domain (a cached property of the Babel object): ours binds
    # the catalogue once per context, for gettext, lazy_gettext and form labels alike.
    config.instance.domain_instance = RequestDomain(domain=config.default_domain)
    flask_babel.get_domain = get_domain
    app.request_class = TrackerRequest
    env = app.jinja_env
    env.globals["current_locale"] = current_locale
    env.globals["instrument_in_language"] = instrument_in_language
    env.globals["instrument_text"] = instrument_text
    env.add_extension("jinja2.ext.do")
    # Replaces the callables Flask-Babel installed (still newstyle gettext: the
    # ``{% trans %}`` tag and ``_()`` format their variables in the callable).
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.globals.update(
        _=_template_gettext,
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        pgettext=_template_pgettext,
        npgettext=_template_npgettext,
    )
    env.filters["number"] = format_number
    env.filters["duration"] = format_minutes
    env.filters["localdatetime"] = format_local_datetime
    env.filters["localtime"] = format_local_time
    env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
