"""Run-failure alerts: a failing run reaches every configured sink (a local receiver on 127.0.0.1)."""
# no `from __future__ import annotations`: Dagster reads op annotations at runtime.

import json
from urllib.parse import parse_qs

import dagster as dg
import pytest

from nyc_mobility.defs.alerts import SLACK_API_URL_ENV, run_failure_alert_sensor
from nyc_mobility.settings import Settings
from tests.fake_hosts import Ok, Status

SECRET_PATH = "/hooks/T000-secret-token"


@dg.op
def load_month() -> int:
    return 1


@dg.op
def build_month(rows: int) -> None:
    raise ValueError(f"raw file month=2024-11/yellow.parquet is truncated ({rows} row read)")


@dg.job(tags={"dagster/partition": "2024-11"})
def nightly_build():
    build_month(load_month())


def failure_context(instance: dg.DagsterInstance) -> dg.RunFailureSensorContext:
    result = nightly_build.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "PIPELINE_FAILURE")
    return dg.build_run_status_sensor_context(
        sensor_name="run_failure_alerts",
        dagster_event=failure,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
    ).for_run_failure()


@pytest.fixture
def instance():
    with dg.instance_for_test() as instance:
        yield instance


def test_webhook_gets_the_run_the_step_the_error_and_a_link(instance, fake_hosts, tmp_path, caplog):
    fake_hosts.add(SECRET_PATH, Status(503), Ok(b"ok"))  # one transient failure, then accepted
    settings = Settings(
        data_dir=tmp_path,
        alert_sinks="log,webhook",
        alert_webhook_url=fake_hosts.url + SECRET_PATH,
        webserver_url="http://admin:hunter2@127.0.0.1:3000/",  # credentials never reach the alert
    )
    context = failure_context(instance)
    run_failure_alert_sensor(settings)(context)

    posts = fake_hosts.posts[SECRET_PATH]
    assert len(posts) == 2  # retried once after the 503
    headers, body = posts[-1]
    assert headers["Content-Type"] == "application/json"
    alert = json.loads(body)
    run_id = context.dagster_run.run_id
    assert alert["run_id"] == run_id and alert["job_name"] == "nightly_build"
    assert alert["failed_steps"] == ["build_month"]
    assert "month=2024-11/yellow.parquet is truncated" in alert["error"]
    assert alert["run_url"] == f"http://127.0.0.1:3000/runs/{run_id}"
    assert "hunter2" not in body.decode() and "hunter2" not in caplog.text
    assert alert["partition"] == "2024-11" and alert["event"] == "dagster_run_failure"


def test_a_broken_sink_is_reported_without_its_secret_and_others_still_deliver(
    instance, fake_hosts, tmp_path, monkeypatch
):
    fake_hosts.add(SECRET_PATH, Status(404))
    fake_hosts.add("/api/chat.postMessage", Ok(b'{"ok": true}', "application/json"))
    monkeypatch.setenv("TEST_SLACK_TOKEN", "xoxb-test-token")
    monkeypatch.setenv(SLACK_API_URL_ENV, fake_hosts.url + "/api/")
    settings = Settings(
        data_dir=tmp_path,
        alert_sinks=("webhook", "slack"),
        alert_webhook_url=fake_hosts.url + SECRET_PATH,
        alert_slack_channel="#nyc-mobility-alerts",
        alert_slack_token_env="TEST_SLACK_TOKEN",
    )
    context = failure_context(instance)
    logged = []
    monkeypatch.setattr(type(context), "log", property(lambda self: _Recorder(logged)))
    run_failure_alert_sensor(settings)(context)

    assert len(fake_hosts.posts[SECRET_PATH]) == 1  # a 404 is not retried
    assert any("webhook to 127.0.0.1 failed: 404" in line for line in logged)
    assert not any("secret-token" in line for line in logged)
    ((headers, body),) = fake_hosts.posts["/api/chat.postMessage"]
    assert headers["Authorization"] == "Bearer xoxb-test-token"
    form = parse_qs(body.decode()) if "json" not in headers.get("Content-Type", "") else json.loads(body)
    channel = form["channel"][0] if isinstance(form["channel"], list) else form["channel"]
    text = form["text"][0] if isinstance(form["text"], list) else form["text"]
    assert channel == "#nyc-mobility-alerts"
    assert "nightly_build [2024-11] failed at build_month" in text


def test_every_sink_failing_fails_the_tick_so_it_is_retried(instance, fake_hosts, tmp_path):
    fake_hosts.add(SECRET_PATH, Status(400))
    settings = Settings(
        data_dir=tmp_path, alert_sinks="webhook", alert_webhook_url=fake_hosts.url + SECRET_PATH
    )
    with pytest.raises(RuntimeError, match="no alert sink delivered"):
        run_failure_alert_sensor(settings)(failure_context(instance))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"alert_sinks": "webhook"}, "needs alert_webhook_url"),
        ({"alert_sinks": "slack"}, "needs alert_slack_channel"),
        ({"alert_sinks": "email"}, "alert_sinks"),
        ({"alert_sinks": "webhook", "alert_webhook_url": "ftp://x"}, "http"),
    ],
)
def test_sink_settings_are_validated(values, message, tmp_path):
    with pytest.raises(ValueError, match=message):
        Settings(data_dir=tmp_path, **values)


def test_the_webhook_url_is_masked_where_settings_are_shown(tmp_path):
    settings = Settings(
        data_dir=tmp_path, alert_sinks="webhook", alert_webhook_url="https://hooks.example.com/T0/secret"
    )
    shown = json.dumps(settings.public_dump())
    assert "secret" not in shown and "hooks.example.com" in shown


class _Recorder:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def __getattr__(self, level: str):
        return self.lines.append


@dg.op
def write_month(rows: int) -> None:
    import errno

    raise OSError(errno.ENOSPC, "No space left on device", "/data/warehouse/nyc_mobility.duckdb.wal")


@dg.job
def full_disk_build():
    write_month(load_month())


def test_the_alert_and_the_run_summary_say_the_same_root_cause(instance):
    """One root cause (nyc_mobility.errors.root_cause): the alert of a run that filled the disk says
    what `nyc-mobility run` says of it, the known condition's one line, not the bare exception."""
    from nyc_mobility.defs.alerts import alert_from_context
    from nyc_mobility.run.runner import failure_messages

    result = full_disk_build.execute_in_process(instance=instance, raise_on_error=False)
    failure = next(e for e in result.all_events if e.event_type_value == "PIPELINE_FAILURE")
    context = dg.build_run_status_sensor_context(
        sensor_name="run_failure_alerts",
        dagster_event=failure,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
    ).for_run_failure()
    alert = alert_from_context(context, "http://127.0.0.1:3000")
    assert alert.error.startswith("No space left on device"), alert.error
    assert failure_messages(result) == [f"write_month: {alert.error}"]
