"""The top of the core: routes each event to the questionnaire or the reminders wing and carries
out what they ask of storage. The only part of bot/ that sees both wings."""
