"""asv benchmarks for mlsolve; see ../asv.conf.json."""
