"""The duty manager's live board of a team's open work (R19)."""
