"""The simulated Revel: Tastypie-style resources (no HTTP in state.py), routes, seed and control."""
