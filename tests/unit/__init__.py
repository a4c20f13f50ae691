"""The fast tier: tests that start no kernel and no subprocess (`pytest tests/unit`)."""
