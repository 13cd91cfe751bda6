"""`python -m bench.baseline --port P`: serve the replaced system (uvicorn, one process)."""

from __future__ import annotations

import argparse
import logging

import uvicorn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    uvicorn.run("bench.baseline.app:app", host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
