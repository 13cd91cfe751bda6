"""Going live: `doctor` (a read-only check of a whole configuration against the live vendors) and
`doctor --probe` (Revel's behaviour tested on a test establishment; its findings are stored and
the connector adapts to them: sync/findings.py). See docs/go-live.md."""
