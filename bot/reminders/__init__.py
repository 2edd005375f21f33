"""Reminders: parsing times, the model, the scheduler and the commands."""
