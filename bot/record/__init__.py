"""The user's record taken outside the chat: `export` (CSV and JSON files) and the weekly look
back (`weekly on` / `weekly off`)."""
