"""Stored answers -> figures: pure statistics, weighting, disclosure control, priorities."""
