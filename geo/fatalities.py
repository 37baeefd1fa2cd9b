"""The conservative fatality figure: the rule of data/README.md ("Fatalities"), and the sentence that
explains an event's figure wherever it is shown (the popup, the event panel).

1. A claim is *counted* when its claimant is ``independent``, when it is about the claimant's own
   side (an admission: the side's camp equals ``claimant_side``), or when it is about civilians.
   A party's claim about the other side's dead is not counted.
2. For each event and side, each counted claimant's figure is its highest (a later statement
   revises an earlier one); the side's figure is the lowest of those claimants' figures.
3. The event's figure is the sum over its sides; 0 when no claim is counted.

``tests/test_shipped_data.py`` checks every shipped event against this rule.
"""

from __future__ import annotations

import pandas as pd

from .i18n import N_, _, format_number

#: Whose side each party in ``claims.side`` is on (the ``claimant_side`` vocabulary). Civilians are
#: nobody's enemy (None): any claimant's count of civilian dead is counted.
CAMPS = {
    "Military Forces of Mali (FAMa)": "government",
    "Wagner Group": "government",
    "Military Forces of Burkina Faso": "government",
    "CSP-DPA": "rebels",
    "JNIM": "jihadists",
    "Islamic State Sahel Province": "jihadists",
    "Unidentified Armed Group (Mali)": "unidentified",
    "MINUSMA": "un",
    "Civilians (Mali)": None,
}

#: What the rule counts, in one clause (the note's first half).
RULE_TEXT = N_("each side's dead as that side or an independent source counted them (the lowest count), never "
                "its enemies' claims")


def counted_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims the conservative figure counts (step 1): all but a party's claims about the other
    side's dead, among the claims with a number killed. A side with no camp in ``CAMPS`` is counted
    only from independent claimants."""
    if claims.empty or "claimant_side" not in claims or "killed" not in claims:
        return claims.iloc[0:0]
    with_figure = claims.dropna(subset=["killed"])
    known = with_figure["side"].isin(list(CAMPS))
    camp = with_figure["side"].map(CAMPS)
    counted = ((with_figure["claimant_side"] == "independent") | (known & camp.isna())
               | (known & (camp == with_figure["claimant_side"])))
    return with_figure[counted]


def side_figures(claims: pd.DataFrame) -> pd.Series:
    """Each (event_id, side)'s counted dead (steps 1 and 2)."""
    counted = counted_claims(claims)
    if counted.empty:
        return pd.Series(dtype="int64", index=pd.MultiIndex.from_arrays([[], []], names=["event_id", "side"]))
    per_claimant = counted.groupby(["event_id", "side", "claimant"], sort=False)["killed"].max()
    return per_claimant.groupby(level=["event_id", "side"], sort=False).min().astype("int64")


def conservative_fatalities(claims: pd.DataFrame) -> pd.Series:
    """Each event's conservative figure from its claims; events without a counted claim are not in
    the result (their figure is 0)."""
    sides = side_figures(claims)
    if sides.empty:
        return pd.Series(dtype="int64", name="killed")
    return sides.groupby(level="event_id", sort=False).sum().astype(int)


def fatality_note(event_id, fatalities, claims: pd.DataFrame | None) -> str:
    """One short sentence saying where an event's figure comes from, made from the rule and the
    event's own claims (plain text; escape it for HTML):

    - the figure follows the rule: "Conservative: each side's dead as that side or an independent
      source counted them (the lowest count), never its enemies' claims: 2 Military Forces of Mali
      (FAMa) + 9 CSP-DPA + 20 Wagner Group."
    - only enemies' claims: "...; no such count was reported, so 0."
    - the event has claims but its figure is not the rule's (another data set's own figure): "The
      data set's own figure; the claims are not counted into it."
    - no claims: "" (nothing to explain beside the data set's figure).
    """
    if claims is None or claims.empty or "event_id" not in claims:
        return ""
    own = claims[claims["event_id"] == event_id]
    if own.empty:
        return ""
    try:
        figure = int(fatalities)
    except (TypeError, ValueError):
        return ""
    sides = side_figures(own) if "claimant_side" in own else None
    if sides is not None and int(sides.sum()) == figure and set(own["side"]).issubset(CAMPS):
        if sides.empty:
            return _("Conservative: {rule}; no such count was reported, so 0.").format(rule=_(RULE_TEXT))
        parts = " + ".join(f"{format_number(int(n))} {side}" for (_event, side), n in sides.items())
        return _("Conservative: {rule}: {parts}.").format(rule=_(RULE_TEXT), parts=parts)
    return _("The data set's own figure; the claims are not counted into it.")


def fatality_notes(claims: pd.DataFrame | None, fatalities: dict) -> dict:
    """``fatality_note`` of many events at once: {event_id: note} for the events of ``fatalities``
    ({event_id: figure}), from ``claims`` (theirs, each event's in the order ``claims_for`` gives;
    other events' claims may be there too). One pass over the claims, not one per event: the same
    sentences as ``fatality_note``, for the thousands of popups of a map."""
    if claims is None or claims.empty or "event_id" not in claims:
        return {e: "" for e in fatalities}
    present = set(pd.unique(claims["event_id"]))
    sides = side_figures(claims) if "claimant_side" in claims else None
    parts: dict = {}
    if sides is not None:
        for (event, side), n in sides.items():
            parts.setdefault(event, []).append((side, int(n)))
    known = claims["side"].isin(list(CAMPS)).groupby(claims["event_id"], sort=False).all().to_dict()
    notes = {}
    for event, figure in fatalities.items():
        if event not in present:
            notes[event] = ""
            continue
        try:
            figure = int(figure)
        except (TypeError, ValueError):
            notes[event] = ""
            continue
        own = parts.get(event, [])
        if sides is not None and sum(n for _side, n in own) == figure and known.get(event, False):
            if not own:
                notes[event] = _("Conservative: {rule}; no such count was reported, so 0.").format(rule=_(RULE_TEXT))
            else:
                notes[event] = _("Conservative: {rule}: {parts}.").format(
                    rule=_(RULE_TEXT), parts=" + ".join(f"{format_number(n)} {side}" for side, n in own))
        else:
            notes[event] = _("The data set's own figure; the claims are not counted into it.")
    return notes


__all__ = ["CAMPS", "RULE_TEXT", "conservative_fatalities", "counted_claims", "fatality_note", "fatality_notes",
           "side_figures"]
