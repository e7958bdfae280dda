"""What an audit of a case file asks of it: the SSI audit framework's expectations of councils
(February 2003, seeds/001), each answered yes, no or not applicable for every file drawn."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    #: How the answer is kept (FileAuditFinding.answers); never changed once used.
    key: str
    text: str
    #: Where the framework asks it (its numbered expectations of councils, and the inquiry's recommendations).
    source: str


QUESTIONS = (
    Question("records_checked", "Existing records were checked after the referral, and the outcome is recorded",
             "2.5"),
    Question("child_seen", "The child was seen and spoken to, or the reason they were not is recorded",
             "2.4 and 2.7; recommendation 35"),
    Question("timescales_met", "The timescales were met, or the reason they were not is recorded",
             "2.7"),
    Question("purpose_clear", "The file makes clear what was allocated, what action is required and how it is "
             "reviewed", "2.1 and 2.2; recommendation 53"),
    Question("supervised", "The file shows regular supervision: a manager read it, signed it and recorded "
             "any actions", "6.3; recommendation 45"),
)
