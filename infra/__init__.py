"""CDK constructs and stacks: the secure foundation and one stack per pipeline."""
