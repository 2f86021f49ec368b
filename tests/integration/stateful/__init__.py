"""Helpers of the property-based tests: a model of the registry's rules and batched chain reads."""
