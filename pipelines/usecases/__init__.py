"""One module per use case: a declaration of its dataset, algorithm settings and step graph."""
