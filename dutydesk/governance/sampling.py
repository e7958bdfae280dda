"""R30: drawing the random sample of case files for an audit, so that anyone can draw it again.

The draw ranks the cases by the SHA-256 of "<seed>:<case number>" (as hexadecimal text) and takes
the first ones: a rule anyone can follow with any tool, whatever the version of Python, given the
seed and the cases drawn from, both recorded with the audit. The seed is a random number chosen
by the system when the sample is drawn, so nobody picks the files.
"""

import hashlib
import secrets

#: Seeds are whole numbers from 0 to below this (they fit a 32-bit integer column).
SEED_BELOW = 2**31 - 1


def new_seed() -> int:
    return secrets.randbelow(SEED_BELOW)


def rank(seed: int, case_id: int) -> str:
    """A case's place in the draw: the SHA-256 of "<seed>:<case number>", in hexadecimal."""
    return hashlib.sha256(f"{seed}:{case_id}".encode("ascii")).hexdigest()


def draw(population: list[int], seed: int, size: int) -> list[int]:
    """The `size` cases of `population` the seed draws, in the order drawn."""
    return sorted(set(population), key=lambda case_id: (rank(seed, case_id), case_id))[:size]
