"""Registry events: decoding raw logs into typed events, without touching contract storage."""
