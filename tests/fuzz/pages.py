"""What a browser would find on a page: each form, where it posts, and what can be filled in."""

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

#: Posting these ends the client's session; the fuzz tests send them on their own terms.
NOT_FOLLOWED = {"/logout"}


@dataclass(frozen=True)
class Control:
    """One named thing in a form: how it is filled in, and what the page offers for it."""

    name: str
    #: text, textarea, date (a GOV.UK day-month-year trio), select, radio, checkboxes, button
    kind: str
    options: tuple[str, ...] = ()
    input_type: str = "text"


@dataclass(frozen=True)
class PageForm:
    """A form found on a page, as one signed-in person sees it."""

    page: str
    action: str
    username: str | None
    controls: tuple[Control, ...]

    @property
    def text_controls(self) -> list[Control]:
        return [c for c in self.controls if c.kind in ("text", "textarea")]


def forms_on(page_url: str, html: str, username: str | None) -> list[PageForm]:
    """Every form posting within dutydesk on the page (not signing out)."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for form in soup.find_all("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        action = urlsplit(urljoin(page_url, form.get("action") or page_url))
        if action.netloc or action.path in NOT_FOLLOWED:
            continue
        target = action.path + (f"?{action.query}" if action.query else "")
        found.append(PageForm(page_url, target, username, tuple(_controls(form))))
    return found


def _controls(form) -> list[Control]:
    groups: dict[str, list] = {}
    for element in form.find_all(["input", "select", "textarea", "button"]):
        name = element.get("name")
        if not name or name == "csrf_token":
            continue
        groups.setdefault(name, []).append(element)
    controls = []
    for name, elements in groups.items():
        first = elements[0]
        kind_of_input = (first.get("type") or "text").lower()
        if first.name == "textarea":
            controls.append(Control(name, "textarea"))
        elif first.name == "select":
            controls.append(Control(name, "select", tuple(o.get("value", o.get_text()) for o in first.find_all("option"))))
        elif first.name == "button" or kind_of_input == "submit":
            controls.append(Control(name, "button", tuple(sorted({e.get("value", "") for e in elements}))))
        elif kind_of_input == "radio":
            controls.append(Control(name, "radio", tuple(e.get("value", "on") for e in elements)))
        elif kind_of_input == "checkbox":
            controls.append(Control(name, "checkboxes", tuple(e.get("value", "on") for e in elements)))
        elif "govuk-date-input__input" in (first.get("class") or []):
            controls.append(Control(name, "date", input_type=str(len(elements))))
        else:
            controls.append(Control(name, "text", input_type=kind_of_input))
    return controls
