"""A Spark session for the batch on Splink's Spark backend.

On one machine (tests, a small force) this is Spark in local mode. For a national index, point it at
a cluster with the standard Spark settings (see docs/people-spark.md): the code that trains, scores
and clusters is the same.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any


def local_session(cores: int | None = None, memory: str = "4g") -> Any:
    from pyspark.sql import SparkSession
    from splink.internals.spark.jar_location import similarity_jar_location

    master = os.environ.get("BEACON_SPARK_MASTER", f"local[{cores or '*'}]")
    builder = (
        SparkSession.builder.appName("beacon-people")
        .master(master)
        .config("spark.driver.memory", os.environ.get("BEACON_SPARK_DRIVER_MEMORY", memory))
        .config("spark.jars", similarity_jar_location())  # Splink's string-similarity UDFs
        .config("spark.sql.shuffle.partitions", os.environ.get("BEACON_SPARK_PARTITIONS", "8"))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.ansi.enabled", "false")
    )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    checkpoints = os.environ.get("BEACON_SPARK_CHECKPOINTS") or tempfile.mkdtemp(prefix="beacon-spark-")
    session.sparkContext.setCheckpointDir(checkpoints)
    return session
