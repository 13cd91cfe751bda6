"""`python -m bench.webonly --port P`: the connector's web app without sync workers (diagnostic).

The same start-up as `tripleseat-revel serve` (settings, migrations, runtime, DBOS), but the engine
is launched with `work=False`, as the test suite's enqueue-only fixture does: webhooks are stored
and their syncs enqueued, and no sync runs in this process. It shows what the web tier does when
the syncs run elsewhere (e.g. `tripleseat-revel worker` processes); it is not a deployment mode.
"""

from __future__ import annotations

import argparse

import uvicorn

from tripleseat_revel.cli import bootstrap
from tripleseat_revel.runtime import start_engine, stop_engine
from tripleseat_revel.web.app import create_app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    rt = bootstrap.runtime(bootstrap.settings())
    engine = start_engine(rt, role="serve", work=False)
    try:
        uvicorn.run(
            create_app(rt, engine), host=args.host, port=args.port, log_level="warning", proxy_headers=True
        )
    finally:
        stop_engine(engine)


if __name__ == "__main__":
    main()
