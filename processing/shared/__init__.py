"""Helpers shared by the processing scripts.

Inside the shipped zip, processing/ is the root, so this package is imported as top-level `shared`.
"""
