"""Governance: the monthly report of unallocated cases (R54), quarterly audits of case files (R30)
and managers' sign-offs of case files (R45), for senior managers and directors."""
