"""Partners: organisations, their personal links, answering by link, the
receipt, and the planner pages that follow the partner fieldwork."""
