"""Tasks and their schedule: checklists, recurrence, reminders and escalation, fair assignment,
my day, the team board, the calendar and its ICS feed."""
