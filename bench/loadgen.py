"""The webhook load generator: a process of its own, `concurrency` senders on one asyncio loop.

    python -m bench.loadgen --url http://127.0.0.1:P/webhooks/tripleseat --input hooks.jsonl \
        --concurrency 64 --out result.json [--warmup N] [--rate R]

Each input line is `{"body": "<raw JSON>", "signature": "<X-Signature>"}`, signed beforehand so the
sender spends its CPU on sending. Each sender keeps one HTTP/1.1 keep-alive connection and sends
over it with asyncio streams: a client that costs a few microseconds per request, so it measures
the server and not itself (httpx's AsyncClient, tried first, could not send more than ~170 requests
a second on one core). Closed loop by default: each sender sends its next delivery as soon as the
previous one is answered. With `--rate R` the deliveries are instead released on a fixed schedule of
R per second (open loop; latency counts from the scheduled time, so a server that falls behind is
charged for the wait). The first `--warmup` deliveries are sent but left out of the timings.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

Result = list[Any]  # [seconds, status, ack or None, sent at (s from start)]


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed")
    status = int(status_line.split()[1])
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, await reader.readexactly(length)


async def _send_all(
    url: str, hooks: list[dict[str, str]], concurrency: int, rate: float | None, timeout: float
) -> tuple[list[Result], float]:
    """Each delivery's [seconds, status, ack, sent at], and the wall-clock time (epoch) of "sent at" 0."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    head = f"POST {parts.path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
    requests = []
    for hook in hooks:
        body = hook["body"].encode()
        lines = f"X-Signature: {hook['signature']}\r\nContent-Length: {len(body)}\r\n\r\n"
        requests.append((head + lines).encode() + body)
    results: list[Result] = [[0.0, 0, None, 0.0] for _ in hooks]
    cursor = iter(range(len(hooks)))
    start = time.perf_counter() + 0.05
    epoch_start = time.time() + 0.05

    async def sender() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            for index in cursor:
                due = start + index / rate if rate else None
                if due is not None and due > time.perf_counter():
                    await asyncio.sleep(due - time.perf_counter())
                sent = due if due is not None else time.perf_counter()
                try:
                    writer.write(requests[index])
                    status, raw = await asyncio.wait_for(_read_response(reader), timeout)
                except (OSError, asyncio.IncompleteReadError, TimeoutError) as exc:
                    results[index] = [time.perf_counter() - sent, 0, {"error": repr(exc)}, sent - start]
                    writer.close()
                    reader, writer = await asyncio.open_connection(host, port)
                    continue
                elapsed = time.perf_counter() - sent
                try:
                    ack = json.loads(raw) if raw else None
                except ValueError:
                    ack = None
                results[index] = [elapsed, status, ack, sent - start]
        finally:
            writer.close()

    await asyncio.gather(*(sender() for _ in range(concurrency)))
    return results, epoch_start


def run(
    url: str,
    hooks: list[dict[str, str]],
    concurrency: int,
    warmup: int = 0,
    rate: float | None = None,
    timeout: float = 120,
) -> dict[str, Any]:
    warm = asyncio.run(_send_all(url, hooks[:warmup], concurrency, None, timeout))[0] if warmup else []
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    wall = time.perf_counter()
    measured, epoch_start = asyncio.run(_send_all(url, hooks[warmup:], concurrency, rate, timeout))
    wall = time.perf_counter() - wall
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return {
        "concurrency": concurrency,
        "rate": rate,
        "warmup": warm,
        "measured": measured,
        "epoch_start": epoch_start,
        "seconds": wall,
        "cpu_seconds": cpu,
        "cpus": sorted(os.sched_getaffinity(0)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Send signed webhooks concurrently.")
    parser.add_argument("--url", required=True)
    parser.add_argument("--input", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--warmup", type=int, default=0)
    parser.add_argument("--rate", type=float, default=None)
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()
    hooks = [json.loads(line) for line in args.input.read_text().splitlines() if line.strip()]
    result = run(args.url, hooks, args.concurrency, args.warmup, args.rate, args.timeout)
    args.out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
