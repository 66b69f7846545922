"""Reform simulation (政策模拟): decide a registry under the law and under a scenario of
changed parameters, and compare. Pure Python, no Django (docs/simulation.md)."""
