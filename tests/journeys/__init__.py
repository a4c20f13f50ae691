"""Journeys: the kit used as people use it, from its wheel, on the machines they have."""
