"""What the tests and the benchmarks share: the seeding of people and programmes
(`factories`, `planting`) and the conversation harness over the Bot API emulator (`harness`).

An importable package, so that `benchmarks/` uses it as it is installed rather than reaching
into `tests/`. Never imported by `bot`, `handlers` or `storage`.
"""
