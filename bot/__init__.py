"""Take or Pass: the platform-free conversation core."""
