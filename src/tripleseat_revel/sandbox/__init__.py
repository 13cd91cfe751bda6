"""Vendor simulators: a stateful TripleSeat and Revel for tests, benchmarks and the demo.

`world.SandboxWorld` holds both in memory (seeded together from one seed, on one clock);
`apps.create_tripleseat_app` / `apps.create_revel_app` put HTTP in front of it;
`server.serve_in_thread` serves both on localhost; `cli.sandbox` is the `sandbox` command.
Production code never imports this package. See docs/sandbox.md and COVERAGE.md.
"""
