"""What gets typed into dutydesk's forms and addresses: mostly what a person would type, mixed
with what no form should ever have to take (huge numbers, digits from other scripts, control
characters, markup, years no calendar has)."""

import re
from datetime import date, timedelta

from hypothesis import strategies as st

from tests.fuzz.pages import Control, PageForm

#: Things an id in an address, a query string or a select could be instead of an id.
HOSTILE_IDS = ["0", "-1", "00", str(2**31), str(2**31 - 1), str(2**32), str(2**63), str(2**63 - 1), str(2**64), "9" * 40, "²", "٣", "١٢",
               "1.5", "1e3", " 1", "+1", "0x1", "1 ", "NaN", "one", "1\x00"]

HOSTILE_TEXT = [
    "", " ", " \t ", "\r\n", "\n\nLeo\n", "\x00", "Leo\x00Martin", "\x1b[31m", "²", "٣", "१२", "99999999999999999999",
    str(2**63), str(2**64), "-1", "0", "1e309", "NaN", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
    "' OR '1'='1' --", "Robert'); DROP TABLE contacts;--", "{{ 7*7 }}", "%s%n%x", "\u202eevil", "😀👶🏽", "\ufeff",
    "Ａｂｃ", "𝟗𝟗", "x" * 201, "x" * 301, "x" * 4001, "y" * 20001, "z" * 50001,
]

PLAUSIBLE_TEXT = [
    "Leo Martin", "Mia", "Amira Hassan", "22 Park Lane, London N17", "English", "Polish", "not known",
    "Class teacher", "Park Lane Primary", "Joan Fraser", "020 8800 0001", "joan.fraser@example.org",
    "Bruising to the face; says his stepfather hit him.", "Agreed a joint visit", "DS Khan", "Police",
    "Rang Ms Fraser back and booked a visit for Thursday", "Annual leave", "Family moved south",
    "No worker free this week", "Weekly calls from the family support worker",
]

HOSTILE_DATES = [
    ["1", "1", "99999999999999999999"], ["31", "12", "9999"], ["1", "1", "9999"], ["30", "6", "9999"],
    ["99999999999999999999", "1", "2026"], ["1", "99999999999999999999", "2026"], ["²", "1", "2026"],
    ["٣", "١", "٢٠٢٦"], ["0", "0", "0"], ["31", "2", "2026"], ["1", "1", "1899"], ["1", "1", "10000"],
    ["-1", "1", "2026"], ["1", "1"], ["1", "1", "2026", "1"], ["", "", ""], [" ", "1", "2026"], ["1", "1", "02026"],
    ["1", "1", "26"], ["1.5", "1", "2026"], ["1", "1", "2026\x00"], ["1", "1", "2099"], ["1", "1", "3000"],
]

HOSTILE_TIMES = [
    "99999999999999999999:00", "00:99999999999999999999", "99999999999999999999", "²:00", "١٤:٠٥", "24:00",
    "23:60", "12", ":", "12:5", "-1:00", "1e3", "12:00:00", " ", "", "12:00\x00", "99:99", "0:00", "12:٠٥", "12.",
]

_ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


def hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(HOSTILE_TEXT), _ANY_TEXT)


def hostile_id() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(HOSTILE_IDS), hostile_text())


def _today() -> date:
    from dutydesk.clock import now_utc, to_london

    return to_london(now_utc()).date()


def _just_now(minutes_ago: int):
    from dutydesk.clock import now_utc, to_london

    return to_london(now_utc() - timedelta(minutes=minutes_ago))


def plausible_date(name: str) -> st.SearchStrategy[list[str]]:
    """A real date, in the future for deadlines, reviews and absences, in the past otherwise."""
    today = _today()
    if any(word in name for word in ("due", "review", "starts", "ends")):
        days = st.integers(0 if "starts" in name or "ends" in name else 1, 60).map(lambda n: today + timedelta(days=n))
    elif "birth" in name:
        days = st.integers(0, 17 * 365).map(lambda n: today - timedelta(days=n))
    else:
        days = st.integers(0, 3).map(lambda n: today - timedelta(days=n))
    return days.flatmap(lambda d: st.sampled_from([[str(d.day), str(d.month), str(d.year)],
                                                   [f"{d.day:02d}", f"{d.month:02d}", str(d.year)]]))


def plausible_time() -> st.SearchStrategy[str]:
    return st.tuples(st.integers(0, 23), st.integers(0, 59)).flatmap(
        lambda hm: st.sampled_from([f"{hm[0]:02d}:{hm[1]:02d}", f"{hm[0]}.{hm[1]:02d}", f"{hm[0]:02d}{hm[1]:02d}"]))


def plausible_text(name: str) -> st.SearchStrategy[str]:
    if name.endswith("approximate_age"):
        return st.integers(0, 17).map(str)
    if name.endswith("_time"):
        return plausible_time()
    if "email" in name:
        return st.just("joan.fraser@example.org")
    if "phone" in name:
        return st.just("020 8800 0001")
    return st.one_of(st.sampled_from(PLAUSIBLE_TEXT),
                     st.text(st.sampled_from("abcdefghij klmnopqrstuvwxyz'-"), min_size=1, max_size=30))


def hostile_value(control: Control) -> st.SearchStrategy:
    """What no browser showing the form would send for the control (or none at all)."""
    if control.kind == "date":
        return st.sampled_from(HOSTILE_DATES)
    if control.name.endswith("_time"):
        return st.one_of(st.sampled_from(HOSTILE_TIMES), hostile_text())
    if control.kind in ("select", "radio") and (control.name.endswith("_id") or control.name.endswith("_to")):
        return st.one_of(hostile_id(), st.none())
    if control.kind in ("select", "radio", "checkboxes"):
        return st.one_of(hostile_text(), st.just("nonsense"), st.none())
    return hostile_text()


def plausible_value(control: Control, just_now=None) -> st.SearchStrategy:
    """What a person using the form could send for the control. A moment that has happened (a
    date and time field) is, with `just_now`, a few minutes ago: after the call, and not ahead."""
    is_past = not any(word in control.name for word in ("due", "review", "starts", "ends", "birth"))
    if just_now is not None and is_past and control.kind == "date":
        return st.just([str(just_now.day), str(just_now.month), str(just_now.year)])
    if just_now is not None and is_past and control.name.endswith("_time"):
        return st.just(f"{just_now:%H:%M}")
    if control.kind == "date":
        return plausible_date(control.name)
    if control.kind in ("select", "radio"):
        chosen = [option for option in control.options if option] or [""]
        return st.sampled_from(chosen)
    if control.kind == "checkboxes":
        return st.lists(st.sampled_from(control.options), unique=True, max_size=len(control.options))
    return plausible_text(control.name)


#: A repeatable row's fields, like children-0-name.
ROW_FIELD = re.compile(r"^(?P<rows>\w+)-(?P<index>\d+)-(?P<field>\w+)$")


def fill(data, form: PageForm) -> tuple[list[tuple[str, str]], dict[str, str], str | None]:
    """Draw values for every control of the form: (pairs to post, text typed by field, button)."""
    mode = data.draw(st.sampled_from(["plausible", "plausible", "one hostile", "mixed", "hostile"]), label="mode")
    fields = [c for c in form.controls if c.kind != "button"]
    controls = list(fields)
    # More rows of a repeatable part, as a browser sends after "Add another": after those the page shows.
    for rows in sorted({m["rows"] for c in fields if (m := ROW_FIELD.match(c.name))}):
        shown = max(int(m["index"]) for c in fields if (m := ROW_FIELD.match(c.name)) and m["rows"] == rows)
        for index in range(shown + 1, shown + 1 + data.draw(st.integers(0, 2), label=f"extra {rows}")):
            controls += [Control(f"{rows}-{index}-{ROW_FIELD.match(c.name)['field']}", c.kind, c.options, c.input_type)
                         for c in fields if (m := ROW_FIELD.match(c.name)) and m["rows"] == rows and m["index"] == "0"]
    just_now = _just_now(data.draw(st.integers(0, 8), label="minutes ago")) if data.draw(
        st.booleans(), label="happened just now") else None
    hostile_one = data.draw(st.sampled_from(controls), label="the hostile one") if controls and mode == "one hostile" else None
    pairs, typed = [], {}
    for control in controls:
        is_hostile = (mode == "hostile" or control is hostile_one
                      or (mode == "mixed" and data.draw(st.booleans(), label=f"{control.name} hostile")))
        value = data.draw(hostile_value(control) if is_hostile else plausible_value(control, just_now),
                          label=control.name)
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        pairs += [(control.name, v) for v in values]
        if control.kind in ("text", "textarea") and control.input_type not in ("password", "hidden"):
            typed[control.name] = value
    if mode != "plausible" and data.draw(st.integers(0, 4), label="odd keys") == 0:
        pairs += data.draw(st.lists(st.tuples(
            st.sampled_from(["children-²-name", "children-99999999999999999999-name", "attendees-٣-name",
                             "action_points--1-title", "action_points-0-owner_id", "unexpected", "csrf_token"]),
            hostile_text()), max_size=3), label="odd keys")
    buttons = [c for c in form.controls if c.kind == "button"]
    button = None
    if buttons:
        main = [c for c in buttons if c.name in ("save", "submit")] or buttons
        pressed = data.draw(st.sampled_from(main) if data.draw(st.integers(0, 4), label="other button") else
                            st.sampled_from(buttons), label="button")
        button = pressed.name
        pairs.append((pressed.name, pressed.options[0] if pressed.options else ""))
    return pairs, typed, button
