"""Beacon: repeat and vulnerable ASB victim management and inspection improvement plans."""
