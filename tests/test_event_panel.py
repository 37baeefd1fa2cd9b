"""The event panel under the map (geo.a11y.panel): every actor, each claim with its source links, the
notes and the sources, as Markdown lines that wrap on a phone; hostile text stays text."""

from __future__ import annotations

import pandas as pd

import geo
from geo.a11y import panel
from geo.events import claims_for
from geo.i18n import use_language

TIN = "MLI-2024-07-25-TIN"


def battle(events):
    return events[events["event_id"] == TIN].iloc[0]


def test_the_headline_names_every_actor_main_and_associated(events):
    line = panel.actors_markdown(battle(events))
    assert line == ("**CSP\\-DPA** (with JNIM) vs **Military Forces of Mali \\(FAMa\\)** (with Wagner Group)")
    one_sided = {"actor1": "Protesters (Mali)", "assoc_actor_1": "", "actor2": "", "assoc_actor_2": ""}
    assert panel.actors_markdown(one_sided) == "**Protesters \\(Mali\\)**"
    with use_language("fr"):
        assert "(avec JNIM)" in panel.actors_markdown(battle(events))


def test_each_claim_has_its_claimant_date_source_links_losses_and_words(events, claims):
    own = claims_for(claims, TIN)
    items = panel.claim_items(own)
    statements = own.groupby(["claimant", "claim_date", "source"], dropna=False).ngroups
    assert len(items) == statements > 5
    army = next(i for i in items if i.startswith("**Military Forces of Mali \\(FAMa\\)**") and "10 wounded" in i)
    assert "[24heures\\.bf](https://24heures.bf/mali-une-vingtaine" in army  # its source, linked
    assert "Military Forces of Mali \\(FAMa\\): 2 killed, 10 wounded" in army
    assert "“Army\\: 2 soldiers killed and 10 wounded" in army
    # every URL of every claim is linked
    urls = {u for v in own["source_url"].dropna() for u in geo.events.split_list(v)}
    text = "\n".join(items)
    assert all(u.replace("(", "%28").replace(")", "%29") in text for u in urls)
    assert panel.claims_range_markdown(own).startswith("Claimed killed: ") and "claimants;" in panel.claims_range_markdown(own)


def test_one_claimant_is_said_in_the_singular(claims):
    own = claims_for(claims, TIN)
    one = own[own["claimant"] == own["claimant"].iloc[0]]
    assert " by 1 claimant; " in panel.claims_range_markdown(one)
    assert panel.claims_range_markdown(own.iloc[0:0]) == ""


def test_sources_are_linked_and_hostile_urls_and_text_stay_text():
    event = {"source": "AFP [x](javascript:alert(1))", "source_url": "javascript:alert(1); https://a.org/p_(1)"}
    text = panel.sources_markdown(event)
    assert "](javascript" not in text and "[a\\.org](https://a.org/p_%281%29)" in text
    assert "javascript\\:alert\\(1\\)" in text  # the hostile URL as inert, escaped text
    assert panel.md_link("data:text/html,<b>") == "data\\:text/html,\\<b\\>"


def test_hostile_claim_text_is_escaped():
    own = pd.DataFrame([{"claim_id": "X", "event_id": "E", "claimant": "<script>alert(1)</script>",
                         "claimant_side": "", "source": "**bold**", "source_url": "",
                         "claim_date": pd.Timestamp("2024-07-26"), "side": "[a](javascript:x)", "killed": 3,
                         "wounded": None, "captured": None, "statement": "$x$ :red[y]"}])
    item = panel.claim_items(own)[0]
    assert "\\<script\\>" in item and "\\*\\*bold\\*\\*" in item and "\\[a\\]\\(javascript\\:x\\)" in item
    assert "\\$x\\$ \\:red\\[y\\]" in item and ": 3 killed" in item
