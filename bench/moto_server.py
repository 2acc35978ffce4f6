"""`python -m bench.moto_server`: the local stack's AWS backend on its own, for the queue bench.

The same embedded moto server `make run` starts (scripts.local_stack.start_moto, moto patches
included), in its own process so it has its own core: prints its port, then serves until its
standard input closes (the bench closes it when done, or dies and closes it anyway).
"""
from __future__ import annotations

import sys


def main() -> int:
    from scripts.local_stack import serve_moto
    return serve_moto(0)


if __name__ == "__main__":
    sys.exit(main())
