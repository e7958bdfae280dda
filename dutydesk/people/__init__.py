"""People and teams: who works in which team, in which roles, and the administration of both."""
