"""SageMaker pipeline definitions, one declarative module per use case, built offline with the SageMaker SDK v3."""
