"""Conversations and their messages: the record of every turn, whatever engine answered it."""
