"""The ground floor: what every part of the core shares (replies, errors, the clock, the user
key, input events and the button-id grammar). Imports nothing else of bot/."""
