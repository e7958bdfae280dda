"""Absences, cover and the post, e-mails and telephone messages of absent workers (R50)."""
