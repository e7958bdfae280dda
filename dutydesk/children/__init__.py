"""Children: one record per child across calls (issue 11), and the records check that finds them (R2.5)."""
