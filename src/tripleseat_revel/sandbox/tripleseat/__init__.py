"""The simulated TripleSeat: state (no HTTP), routes, seed data and control routes."""
