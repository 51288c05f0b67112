"""The one template environment: pages rendered by the server (``app.templates``) and by the build
(``prerender``) go through it. Kept apart from the app so that a build renders pages without importing FastAPI.
It has no ``url_for``, which Starlette's templates add: a template that called it would fail in the build."""

from __future__ import annotations

import functools
from collections.abc import Callable
from importlib import resources
from typing import Any

import jinja2

from whosbehind.analysis.organization import KIND_TITLES, family_products_only, tied_through, without_a_tie
from whosbehind.analysis.why import PATHS_PER_CHAIN
from whosbehind.model import SAID_AS_REPORTED, LookupBasis
from whosbehind.web import charts, formatting, i18n

TEMPLATES = resources.files("whosbehind.web").joinpath("templates")


def environment() -> jinja2.Environment:
    # auto_reload off: templates are part of the installed package, no file check on every render
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, auto_reload=False,
                             extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    # the same text as the extension's _ and ngettext, called directly
    env.globals.update({"_": i18n.template_gettext, "ngettext": i18n.template_ngettext})
    env.filters.update(money=formatting.money, day=formatting.day, day_cell=formatting.day_cell,
                       thousands=formatting.thousands, org_path=formatting.org_path, agency_path=formatting.agency_path,
                       evidence_path=formatting.evidence_path, web_url=formatting.web_url)
    env.filters.update({name: _in_the_request_language(f) for name, f in (
        ("short_money", formatting.short_money), ("kind_title", formatting.kind_title),
        ("agency_label", formatting.agency_label), ("agency_html", formatting.agency_html),
        ("agency_named", formatting.agency_named),
        ("grade_label", formatting.grade_label),
        ("grade_help", formatting.grade_help), ("source_text", formatting.source_words),
        ("source_label", formatting.source_label), ("sources_label", formatting.sources_label),
        ("status_label", formatting.status_label), ("change_label", formatting.change_label),
        ("basis_label", formatting.basis_label), ("link_source", formatting.link_source),
        ("link_citation", formatting.link_citation),
        ("change_evidence", formatting.change_evidence))})
    env.globals.update(kind_titles=KIND_TITLES, grades=formatting.GRADES, said_as_reported=SAID_AS_REPORTED,
                       basis=LookupBasis,
                       bars_by_year=charts.bars_by_year,
                       years_title=charts.years_title, network_title=charts.network_title,
                       with_partners=charts.with_partners, whose_tie=formatting.whose_tie,
                       without_a_tie=without_a_tie, family_products_only=family_products_only,
                       tied_through=tied_through,
                       languages=i18n.LANGUAGES, current_lang=i18n.current, with_lang=i18n.with_lang,
                       qr_svg=formatting.qr_svg, feed_path=formatting.feed_path, years=formatting.years,
                       changes_path=formatting.changes_path, paths_per_chain=PATHS_PER_CHAIN)
    return env


def _in_the_request_language(words: Callable[..., str]) -> Callable[..., str]:
    """A filter whose words are translated: marked as reading the context, so that Jinja never evaluates it once
    when it compiles a template (as it does a filter on a constant, ``'A' | grade_label``), which would show the
    language of the first request that rendered the template to every request after it."""

    @jinja2.pass_context
    @functools.wraps(words)
    def translated(context: Any, value: Any, *args: Any, **kwargs: Any) -> str:
        return words(value, *args, **kwargs)

    return translated
