"""Outbound messages: what Chehui sends to people outside it (SMS today)."""
