"""The check kinds of a self-check pack: one module per kind, each replaying a full kind from fingerprints."""
