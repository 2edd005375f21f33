"""Settings and the checks on the addresses they name. Imports only bot.common."""
