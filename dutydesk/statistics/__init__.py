"""The director's statistics (issue 12): Rec 29, timeliness, trends, downloads."""
