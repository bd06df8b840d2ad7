"""Complete responses: checking answer values and storing them."""
