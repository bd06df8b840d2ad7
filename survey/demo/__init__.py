"""The demo consultation: default surveys with synthetic (not real) data."""
