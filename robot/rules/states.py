"""US states: the full names Headway's "where did the client join from" list shows."""

from __future__ import annotations

import re

# The 50 states and DC: Headway only bills sessions for clients located in a US state.
STATES: dict[str, str] = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
}

_BY_KEY: dict[str, str] = {
    **{code: name for code, name in STATES.items()},
    **{name.upper(): name for name in STATES.values()},
    "WASHINGTON DC": "District of Columbia",
    "WASHINGTON D C": "District of Columbia",
}


def _key(text: str) -> str:
    # "N.Y.", "new  york" and "New-York" all read as one key.
    return " ".join(re.sub(r"[^A-Za-z]+", " ", text).upper().split())


def state_name(text: str) -> str | None:
    """Return the full state name for ``text`` (a full name or a two-letter code), or None.

    Case and punctuation do not matter; "Texas (TX)" and "TX - Texas" are read too, as
    long as every part names the same state.
    """
    whole = _BY_KEY.get(_key(text))
    if whole is not None:
        return whole
    # "N.Y." and "D.C.": a two-letter code written with dots.
    letters = re.sub(r"[^A-Za-z]+", "", text).upper()
    if len(letters) == 2 and letters in STATES:
        return STATES[letters]
    # Several parts ("CA (California)"): each part must name a state, the same one.
    parts = [p for p in re.split(r"[()\[\],/;|-]+", text) if p.strip()]
    names = {_BY_KEY.get(_key(part)) for part in parts}
    if len(parts) > 1 and len(names) == 1:
        return names.pop()
    return None
