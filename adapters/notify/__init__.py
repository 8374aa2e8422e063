"""Notifications to people: e-mail over SMTP (templates in Vietnamese, one file per letter)."""
