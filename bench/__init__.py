"""`make bench`: performance figures for the platform, each against a target, PASS or FAIL.

Not part of `make test`: it measures, it does not check behaviour (beyond checking that the
engines it compares agree). Every ratio is measured side by side in one run, because this
machine's speed drifts between runs; see README.md, "Performance", for what each figure means.
"""
