"""Escalation ladders: the sweep that takes their steps exactly once, e-mail, acknowledgement."""
