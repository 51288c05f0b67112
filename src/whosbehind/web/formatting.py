"""How figures, grades and links are written on pages: one place, so every page says it the same way."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup

from whosbehind.analysis.organization import KIND_TITLES
from whosbehind.model import LookupBasis, Relation
from whosbehind.sources import contacts
from whosbehind.web.i18n import N_, current, ngettext, pgettext
from whosbehind.web.i18n import gettext as _

GRADES = {
    "A": (N_("official record"), N_("an official record with a stable identifier (e.g. a USAspending award)")),
    # the ICE detention facility list (FOIA) and an award's description are secondary, not a company's own words
    "B": (N_("self-reported or secondary"), N_("official but self-reported or secondary (e.g. subaward reports, "
                                               "SAM.gov parent self-reports)")),
    "C": (N_("reported"), N_("credible published reporting, with its publication, date and URL")),
    "D": (N_("unverified"), N_("an unverified tip, never published on its own")),
    "E": (N_("inferred"), N_("inferred by whosbehind, always with the path that produced it")),
}

# The titles of tie kinds (analysis.organization.KIND_TITLES), marked here so the catalog holds them.
KIND_WORDS = (
    N_("Prime contracts"), N_("Products named in awards to others"), N_("Subcontracts"),
    N_("FedRAMP cloud products offered"), N_("FedRAMP authorizations"),
    N_("Cloud products built on or leveraging others"),
    N_("Hosting"), N_("Supply"), N_("Financing"), N_("Detention facility operation"),
    N_("On ICE's detention facility list"), N_("Sales pitches"), N_("Partnerships"), N_("Systems used"),
    N_("Brands and businesses"), N_("Parent companies and subsidiaries"),
)
# Names of the agencies in focus, shown in the visitor's language where a translation is held.
AGENCY_WORDS = (
    N_("U.S. Immigration and Customs Enforcement"), N_("U.S. Customs and Border Protection"),
    N_("Department of Homeland Security"),
)

# Words of the check-a-list results (analysis.screening), shown in the visitor's language.
SCREENING_WORDS = (N_("found"), N_("several candidates"), N_("not found"), N_("yes"), N_("no"),
                   N_("reads as a person's name; not looked up"))  # resolve.match.WITHHELD


# The words the build writes into a tie's status (store/sql/420_evidence_ties.sql, 500_graph.sql: "current",
# "ended 2017-01-01", "as of 2023-10-10", "current; not in the latest snapshot"), shown in the visitor's language;
# a status of the source's own (a FedRAMP Marketplace status such as "FedRAMP Authorized") is shown as published.
STATUS_WORDS = {"current": N_("current"), "ended": N_("ended"),
                "not in the latest snapshot": N_("not in the latest snapshot"),
                "not_established": N_("not established"), "disputed": N_("disputed")}
DATED_STATUS = {"ended": N_("ended %(date)s"), "as of": N_("as of %(date)s")}
# How a FedRAMP product relates to an agency in a Marketplace snapshot (the relation codes of sources/fedramp.py).
RELATION_WORDS = {"initial_ato": N_("initial authorization (ATO)"), "reuse": N_("reuse of an authorization"),
                  "listed": N_("listed on the agency's page"), "in_process": N_("authorization in process")}
# How the lookup read the text (model.LookupBasis), and how a search page's other rows were found
# (analysis/views.search), in the visitor's language.
BASIS_WORDS = {
    LookupBasis.ORGANIZATION_ID: N_("organization id"), LookupBasis.UEI: N_("UEI"), LookupBasis.DUNS: N_("DUNS"),
    LookupBasis.DUNS_BESIDE_UEI: N_("DUNS (seen beside its UEI)"), LookupBasis.EXACT_NAME: N_("exact name"),
    LookupBasis.BRAND: N_("brand"), LookupBasis.PRODUCT: N_("product"), LookupBasis.NAME_MATCH: N_("name match"),
    LookupBasis.SHORT_NAME: N_("short name"), LookupBasis.COMMON_WORD: N_("common word"),
    LookupBasis.NAMES_CONTAINING: N_("names containing the text"), LookupBasis.INDIVIDUAL: N_("individual"),
    LookupBasis.PRIVATE_PERSON: N_("private person"),
    "candidate": N_("candidate"), "name contains the text": N_("name contains the text"),
}
# A change between builds (store/changes.py), in the visitor's language.
CHANGE_WORDS = {"appeared": N_("appeared"), "disappeared": N_("disappeared"), "changed": N_("changed")}


def change_evidence(change: dict[str, Any]) -> Markup:
    """The evidence of a change (analysis/changes.py) in the page's language, written from its parts; a record's
    own words (a claim's summary, a link's citation) as published, marked as English. A change logged before its
    parts were kept shows the words stored with it, marked the same way."""
    parts = change.get("parts")
    if not parts:
        return _as_published(change.get("evidence") or "")
    grade = _("grade %(grade)s") % {"grade": parts["grade"]}
    quoted = parts.get("quoted")
    if parts["source"] == "usaspending":
        text = _award_evidence(change, parts) + f" (USAspending, {grade})"
    elif parts["source"] == "fedramp":
        text = _fedramp_evidence(change, parts) + f" ({grade})"
    elif parts["source"] == "family":
        text = _("parent company %(parent)s, %(source)s, %(grade)s") % {
            "parent": _with_aside(parts["parent_name"], change["source_id"]), "source": parts["link_source"] or "",
            "grade": grade}
    else:
        text = _("curated claim %(id)s (%(grade)s, %(status)s)") % {
            "id": change["source_id"], "grade": grade, "status": status_label(parts["claim_status"])}
    if not quoted:
        return Markup.escape(text)
    return Markup.escape(text) + Markup(": ") + _as_published(source_text(quoted))


# The sources the build names evidence by (store/sql/500_graph.sql: evidence.source_name), in the page's language;
# any other source is a publication's own title, shown as published.
SOURCE_NAMES = frozenset({
    N_("USAspending transaction list"), N_("USAspending prime award transactions"),
    N_("USAspending prime award summaries"), N_("USAspending 2018-era transaction export"),
    N_("USAspending subaward reports (self-reported by the prime)"),
    N_("USAspending recipient parent fields (self-reported to SAM)"),
    N_("USAspending award description (the official record names the product; not a contract with its maker)"),
    N_("FedRAMP Marketplace data.json"), N_("ICE detention facility list (FOIA)"),
    N_("GLEIF level 2 relationship records"), N_("curated ownership"),
})


def source_label(value: Any) -> Markup:
    """An evidence's source as a page names it: the build's words for it in the page's language, a publication's
    title as published."""
    text = "" if value is None else str(value)
    return Markup.escape(_(text)) if text in SOURCE_NAMES else _as_published(text)


def sources_label(value: Any) -> Markup:
    """A why-step's sources ("; "-joined, analysis/why.py), each as ``source_label``."""
    return Markup("; ").join(source_label(part) for part in str(value or "").split("; "))


# Where a family link comes from (family_links.source), as the family list names it.
LINK_SOURCES = {"usaspending": N_("reported parent (USAspending)"), "gleif": N_("GLEIF"),
                "curated": N_("curated ownership"), "inferred": N_("inferred by whosbehind"),
                "claim": N_("published claim")}  # a brand's, answer_family.sql


def link_source(value: Any) -> str:
    """A family link's source in the page's language (the code itself for one this list does not know)."""
    text = str(value or "")
    return _(LINK_SOURCES[text]) if text in LINK_SOURCES else text


def link_citation(value: Any) -> Markup:
    """A family link's citation (a record's locator or a document's title), as published, in English."""
    return _as_published(str(value or ""))


def source_words(value: Any) -> Markup:
    """A record's own words on a page (``source_text``), marked as English on a page in another language."""
    return _as_published(source_text(value))


# Whose tie a line is when it is not the organization's own (the relation analysis/why.py names): a page says it
# before the lines of that holder, a list check after its strongest line; a partner is said not to be of the family.
WHOSE_TIE = {Relation.PARENT: N_("held by its parent, %(holder)s"),
             Relation.SUBSIDIARY: N_("held by its subsidiary, %(holder)s"),
             Relation.BRAND_OWNER: N_("held by its brand owner, %(holder)s"),
             Relation.BRAND: N_("held by its brand, %(holder)s"),
             Relation.PARTNER: N_("held by its partner, %(holder)s, not of its family")}
OTHER_TIE = N_("held by %(holder)s")
# a one-pager's shorter words (it must fit one sheet), before the lines of another holder: a family member's name,
# a partner said to be one
SHORT_FAMILY_TIE, SHORT_PARTNER_TIE = N_("Held by %(holder)s"), N_("Held by its partner %(holder)s")


def whose_tie(relation: str, holder: str, *, short: bool = False) -> str:
    """Whose tie it is, in the page's language; the holder's name as published."""
    if short:
        words = SHORT_PARTNER_TIE if relation == Relation.PARTNER else SHORT_FAMILY_TIE
    else:
        words = WHOSE_TIE.get(relation, OTHER_TIE)
    return _(words) % {"holder": holder}


def _as_published(words: str) -> Markup:
    """A record's own English words, marked as English on a page in another language (screen readers and
    translators then read them as English)."""
    if current() == "en" or not words:
        return Markup.escape(words)
    return Markup('<span lang="en">%s</span>') % words


def _award_evidence(change: dict[str, Any], parts: dict[str, Any]) -> str:
    values = {"amount": money(change["amount"]), "before": money(change.get("previous_amount")),
              "num": f"{parts['source_rows']:,}", "last": parts["last_date"] or _("undated")}
    if change["change"] == "appeared":
        return ngettext("new award: %(amount)s obligated in %(num)s transaction row, last action %(last)s",
                        "new award: %(amount)s obligated in %(num)s transaction rows, last action %(last)s",
                        parts["source_rows"]) % values
    if change["change"] == "disappeared":
        return ngettext("no longer in the database: it had %(amount)s obligated in %(num)s row",
                        "no longer in the database: it had %(amount)s obligated in %(num)s rows",
                        parts["source_rows"]) % values
    values["rows_before"] = f"{parts['previous_source_rows']:,}"
    return ngettext("obligated %(before)s → %(amount)s (%(rows_before)s → %(num)s transaction row), "
                    "last action %(last)s",
                    "obligated %(before)s → %(amount)s (%(rows_before)s → %(num)s transaction rows), "
                    "last action %(last)s", parts["source_rows"]) % values


def _with_aside(name: str | None, aside: str | None) -> str:
    """'name (aside)', leaving out whichever of the two is missing (no empty brackets, no double space)."""
    return " ".join(p for p in (name, f"({aside})" if aside else None) if p)


def _fedramp_evidence(change: dict[str, Any], parts: dict[str, Any]) -> str:
    listed = (_("listed at this agency") if change["change"] == "appeared"
              else _("no longer listed at this agency"))
    before, after = change["detected_between"]
    return _("FedRAMP Marketplace data.json: %(product)s %(listed)s; relations %(previous)s on "
             "%(before)s → %(relations)s on %(after)s%(pointer)s") % {
        "product": _with_aside(parts["product"], parts["provider"]), "listed": listed,
        "previous": _relations(parts["previous_relations"]), "relations": _relations(parts["relations"]),
        "before": before, "after": after, "pointer": f"; {parts['pointer']}" if parts["pointer"] else ""}


def _relations(relations: list[str]) -> str:
    """A FedRAMP product's relations to an agency, in the page's language (a code this version does not know is
    shown as stored)."""
    if not relations:
        return pgettext("relations", "none")
    return ", ".join(_(RELATION_WORDS[r]) if r in RELATION_WORDS else r for r in relations)


def status_label(status: str | None) -> str:
    """A tie's status in the page's language: each part the build wrote is translated, a source's own kept."""
    parts = []
    for part in (status or "").split("; "):
        dated = re.fullmatch(r"(ended|as of) (\d{4}-\d{2}-\d{2})", part)
        if dated:
            parts.append(_(DATED_STATUS[dated[1]]) % {"date": dated[2]})
        elif part == "reported":  # a claim as its source reported it; not the grade C label "reported"
            parts.append(pgettext("status", "reported"))
        else:
            parts.append(_(STATUS_WORDS[part]) if part in STATUS_WORDS else part)
    return "; ".join(p for p in parts if p)


def basis_label(basis: str | None) -> str:
    return _(BASIS_WORDS[basis]) if basis in BASIS_WORDS else (basis or "")


def change_label(change: str | None) -> str:
    return _(CHANGE_WORDS[change]) if change in CHANGE_WORDS else (change or "")


def kind_title(kind: str | None) -> str:
    return _(KIND_TITLES.get(kind or "", (kind or "").replace("_", " ")))


def agency_label(name: str | None) -> str:
    return _(name) if name else "—"


def agency_named(name: str | None) -> str:
    """An agency's name as a sentence names it: in Spanish with its article ("que el Servicio de Inmigración y
    Control de Aduanas (ICE) comprometió", "vinculada con la Oficina de Aduanas y Protección Fronteriza (CBP)"),
    for the agencies in focus; any other as ``agency_label``."""
    in_a_sentence = {
        "U.S. Immigration and Customs Enforcement": pgettext("agency in a sentence",
                                                             "U.S. Immigration and Customs Enforcement"),
        "U.S. Customs and Border Protection": pgettext("agency in a sentence", "U.S. Customs and Border Protection"),
        "Department of Homeland Security": pgettext("agency in a sentence", "Department of Homeland Security"),
    }
    return in_a_sentence.get(name or "") or agency_label(name)


def agency_html(name: str | None) -> Markup:
    """An agency's name in the page's language; a name with no translation stays in English, marked so (screen
    readers read it with an English voice). For the text of a page, not an attribute or a title."""
    label = agency_label(name)
    if name and label == name and current() != "en":
        return Markup('<span lang="en">%s</span>') % name
    return Markup.escape(label)


def web_url(value: Any) -> str:
    """A link from the data, for an href: the URL when it is http(s), else an empty string (no link)."""
    text = str(value or "").strip()
    if re.fullmatch(r"(?i)https?://[^\s\"'<>`\\]+", text):
        return text
    return ""


def _sign(value: Decimal) -> str:
    """The minus sign of an amount below zero, joined to the dollar sign after it (U+2060): a browser may otherwise
    break the line between the two signs, leaving "−" at the end of one line and the amount on the next."""
    return "−\u2060" if value < 0 else ""


def money(value: Any) -> str:
    if value is None:
        return "—"
    value = Decimal(value)
    return f"{_sign(value)}${abs(value):,.2f}"


def short_money(value: Any) -> str:
    """A figure in readable units, for headlines and charts: $41.6M, $3.13B, $12,345 (the full figure is in
    the tables)."""
    if value is None:
        return "—"
    value = Decimal(value)
    sign = _sign(value)
    v = abs(value)
    if v >= Decimal(10) ** 9:
        return f"{sign}${v / Decimal(10) ** 9:,.2f}" + _("B")
    if v >= Decimal(10) ** 6:
        return f"{sign}${v / Decimal(10) ** 6:,.1f}" + _("M")
    return f"{sign}${v:,.0f}"


def source_text(value: Any) -> str:
    """A record's own words as stored (in English, as published), with the marks of what the build withheld
    (sources/contacts.py) in the page's language."""
    if value is None:
        return ""
    text = str(value)
    if "withheld]" in text:
        for mark, words in ((contacts.WITHHELD_NAME, _("[name withheld]")),
                            (contacts.WITHHELD_EMAIL, _("[e-mail withheld]")),
                            (contacts.WITHHELD_PHONE, _("[phone withheld]"))):
            text = text.replace(mark, words)
    return text


def day(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def thousands(value: Any) -> str:
    """A whole number as every figure is written: with thousands separators ("2,594")."""
    return "—" if value is None else f"{int(value):,}"


def years(first: Any, last: Any) -> str:
    """A span of fiscal years: one year once ("2026", not "2026–2026")."""
    if first is None and last is None:
        return "—"
    return str(first if last is None or first == last else f"{first}–{last}" if first is not None else last)


def day_cell(value: Any) -> Markup:
    """A date for a table or a sentence: kept on one line, as a browser would break it at a hyphen in a narrow
    column ("2021-12-" above "20")."""
    return Markup('<span class="nowrap">%s</span>') % day(value)


def grade_label(grade: str | None) -> str:
    if not grade:
        return "—"
    return _("grade %(grade)s: %(label)s") % {"grade": grade, "label": _(GRADES.get(grade, ("", ""))[0])}


def grade_help(grade: str | None) -> str:
    words = GRADES.get(grade or "", ("", ""))[1]
    return _(words) if words else ""


def qr_svg(url: str, title: str) -> Markup:
    """A QR code of an address, as inline SVG (segno: pure Python, no image library needed)."""
    import segno

    svg = segno.make(url, error="m").svg_inline(scale=3, title=title, svgclass="qr", lineclass=None, omitsize=True)
    label = str(Markup.escape(title))
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))


def org_path(org_id: str) -> str:
    return "/org/" + quote(org_id, safe=":")


def feed_path(kind: str, key: str) -> str:
    """The Atom feed of what changed for an organization (its id), an agency or a watchlist (web/feeds.py)."""
    return f"/feeds/{kind}/" + quote(key, safe=":")


def watchlist_path(name: str) -> str:
    return "/watchlist/" + quote(name, safe="")


def changes_path(kind: str, key: str, page: int = 1) -> str:
    """The page listing every change of an organization's family, an agency or a watchlist."""
    return "/changes?" + urlencode({kind: key} | ({"page": page} if page > 1 else {}))


def agency_path(code: str) -> str:
    return "/agency/" + quote(code, safe="")


def evidence_path(evidence_id: str) -> str:
    return "/evidence/" + evidence_id
