"""The questionnaire wing: the rules as data, reading answers, the verdict, the state and the
pure flow, and how it all looks. Knows nothing of reminders."""
