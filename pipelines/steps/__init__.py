"""Shared step builders: each one small, with secure and cheap defaults, so a use case only declares what differs."""
