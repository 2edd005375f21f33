"""Platform adapters: each turns platform events into core events and core replies into messages."""
