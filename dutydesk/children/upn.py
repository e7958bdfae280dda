"""The DfE Unique Pupil Number: 13 characters, a check letter first (python-stdnum checks it)."""

from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError
from stdnum.gb import upn as stdnum_upn

_WRONG_FORM = "Enter the UPN as a letter, 11 digits, then a digit or a letter, like A123456789012"
_WRONG_CHECK_LETTER = "The UPN's first letter does not match the rest: check it against the school's record"


def clean_upn(text: str) -> str:
    """The UPN in its stored form: upper case, without spaces."""
    return stdnum_upn.compact(text or "")


def upn_problem(text: str) -> str | None:
    """What is wrong with a UPN as typed, in words a worker can act on; None when it is valid.

    A UPN is a check letter, a 3-digit local authority number, a 4-digit school number, 2
    digits for the year and 3 for the serial (a temporary UPN ends in a letter). stdnum knows
    the local authority numbers of 2011 only; one it does not know is accepted when the check
    letter is right, since authorities made since (Dorset, Cumberland...) issue UPNs too.
    """
    number = clean_upn(text)
    if len(number) != 13:
        return f"A UPN has 13 characters: this has {len(number)}"
    try:
        stdnum_upn.validate(number)
    except InvalidComponent:
        return None if stdnum_upn.calc_check_digit(number[1:]) == number[0] else _WRONG_CHECK_LETTER
    except InvalidChecksum:
        return _WRONG_CHECK_LETTER
    except ValidationError:
        return _WRONG_FORM
    return None
