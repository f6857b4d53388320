"""The spark env's one Spark session: started in the test process with the settings the shipped
profile gives a local session, and serving a Spark Thrift server on 127.0.0.1 that every dbt step of
the builds connects to (``NYC_MOBILITY_SPARK_METHOD=thrift``). One JVM for the whole env, and the
profile's ``thrift`` method exercised against a real server."""

from __future__ import annotations

import socket
from collections.abc import Mapping
from typing import Any

import jinja2
import yaml

ANSI_OFF = {"spark.sql.ansi.enabled": "false"}  # what dbt-spark adds to every session's parameters


def profile_session_conf(env: Mapping[str, str], dbt_vars: Mapping[str, Any]) -> dict[str, str]:
    """The ``spark`` target's ``server_side_parameters`` as dbt renders them for a local session
    (``env_var`` from ``env``, ``var`` from ``dbt_vars``), with the setting dbt-spark adds."""
    from nyc_mobility.dbt.project import project_dir

    profile = yaml.safe_load((project_dir() / "profiles.yml").read_text(encoding="utf-8"))
    parameters = profile["nyc_mobility"]["outputs"]["spark"]["server_side_parameters"]
    jinja = jinja2.Environment(undefined=jinja2.StrictUndefined)
    context = {
        "env_var": lambda name, default=None: env.get(name, default),
        "var": lambda name, default=None: dbt_vars.get(name, default),
    }
    rendered = {key: jinja.from_string(str(value)).render(**context) for key, value in parameters.items()}
    return {**rendered, **ANSI_OFF}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_session_with_thrift_server(conf: Mapping[str, str], port: int) -> tuple[Any, Any]:
    """A Hive-catalog Spark session with ``conf`` and a Thrift server on ``127.0.0.1:port`` over it
    (each connection gets its own SQL session with the same settings)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in {
        **conf,
        "spark.hadoop.hive.server2.thrift.bind.host": "127.0.0.1",
        "spark.hadoop.hive.server2.thrift.port": str(port),
    }.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    thrift_server = spark._jvm.org.apache.spark.sql.hive.thriftserver.HiveThriftServer2
    server = thrift_server.startWithContext(spark._jsparkSession.sqlContext())
    return spark, server
