"""Run-failure alerting: one sensor, pluggable sinks chosen in the factory.

``log`` (default) writes the alert to the sensor's log, ``webhook`` POSTs it as JSON (httpx, with
tenacity retries on connection errors, timeouts, 429 and 5xx), ``slack`` posts it through
dagster-slack (the ``slack`` extra). A sink that fails is reported in the sensor's log and does not
stop the other sinks; the webhook URL and the Slack token never appear in a log.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

import dagster as dg

from nyc_mobility.errors import root_cause
from nyc_mobility.redaction import redact_url
from nyc_mobility.settings import Settings

ALERT_SENSOR_NAME = "run_failure_alerts"
# Tests (and Slack Enterprise Grid proxies) point the Slack client elsewhere.
SLACK_API_URL_ENV = "NYC_MOBILITY_SLACK_API_URL"


@dataclass(frozen=True)
class RunFailureAlert:
    """What every sink receives (and the webhook body, as JSON)."""

    run_id: str
    job_name: str
    failed_steps: list[str]
    error: str
    run_url: str
    partition: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    event: str = "dagster_run_failure"

    def text(self) -> str:
        steps = ", ".join(self.failed_steps) or "(no step)"
        where = f" [{self.partition}]" if self.partition else ""
        return (
            f"Run {self.run_id[:8]} of {self.job_name}{where} failed at {steps}: {self.error}\n{self.run_url}"
        )

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def alert_from_context(context: dg.RunFailureSensorContext, webserver_url: str) -> RunFailureAlert:
    run = context.dagster_run
    failures = context.get_step_failure_events()
    steps = [event.step_key for event in failures if event.step_key]
    errors = [event.event_specific_data.error for event in failures if event.event_specific_data]
    error = root_cause(errors[0]) if errors and errors[0] else (context.failure_event.message or "run failed")
    partition = run.tags.get("dagster/partition")
    start, end = (
        run.tags.get("dagster/asset_partition_range_start"),
        run.tags.get("dagster/asset_partition_range_end"),
    )
    if partition is None and start:
        partition = start if start == end else f"{start}...{end}"
    return RunFailureAlert(
        run_id=run.run_id,
        job_name=run.job_name,
        failed_steps=steps,
        error=error.strip()[:2000],
        run_url=f"{redact_url(webserver_url).rstrip('/')}/runs/{run.run_id}",
        partition=partition,
        tags={k: v for k, v in run.tags.items() if not k.startswith(".")},
    )


class Sink(Protocol):
    name: str

    def send(self, alert: RunFailureAlert) -> None: ...


@dataclass
class LogSink:
    log: Callable[[str], None]
    name: str = "log"

    def send(self, alert: RunFailureAlert) -> None:
        self.log(alert.text())


@dataclass
class WebhookSink:
    url: str
    timeout: float = 10.0
    attempts: int = 3
    name: str = "webhook"

    def send(self, alert: RunFailureAlert) -> None:
        import httpx
        from tenacity import retry, retry_if_exception, stop_after_attempt, wait_exponential

        def transient(exc: BaseException) -> bool:
            if isinstance(exc, httpx.HTTPStatusError):
                return exc.response.status_code == 429 or exc.response.status_code >= 500
            return isinstance(exc, httpx.TransportError)

        @retry(
            retry=retry_if_exception(transient),
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=0.5, max=5),
            reraise=True,
        )
        def post() -> None:
            response = httpx.post(self.url, json=alert.as_json(), timeout=self.timeout)
            response.raise_for_status()

        try:
            post()
        except httpx.HTTPError as exc:  # never echo the URL: it often carries a secret
            status = getattr(getattr(exc, "response", None), "status_code", None)
            host = urlsplit(self.url).hostname
            raise RuntimeError(f"webhook to {host} failed: {status or type(exc).__name__}") from None


@dataclass
class SlackSink:
    channel: str
    token_env: str = "SLACK_BOT_TOKEN"
    name: str = "slack"

    def send(self, alert: RunFailureAlert) -> None:
        try:
            from dagster_slack import SlackResource
        except ImportError as exc:
            raise RuntimeError("the slack sink needs the extra: pip install 'nyc-mobility[slack]'") from exc
        token = os.environ.get(self.token_env)
        if not token:
            raise RuntimeError(f"the slack sink needs a bot token in ${self.token_env}")
        client = SlackResource(token=token).get_client()
        if os.environ.get(SLACK_API_URL_ENV):
            client.base_url = os.environ[SLACK_API_URL_ENV].rstrip("/") + "/"
        client.chat_postMessage(channel=self.channel, text=alert.text())


def sinks_for(settings: Settings, log: Callable[[str], None]) -> list[Sink]:
    """The sinks chosen in the settings, in their order."""
    made: dict[str, Callable[[], Sink]] = {
        "log": lambda: LogSink(log),
        "webhook": lambda: WebhookSink(str(settings.alert_webhook_url)),
        "slack": lambda: SlackSink(str(settings.alert_slack_channel), settings.alert_slack_token_env),
    }
    return [made[name]() for name in settings.alert_sinks]


def deliver(alert: RunFailureAlert, sinks: Sequence[Sink], log: Callable[[str], None]) -> list[str]:
    """Send to every sink; a failing sink is logged and does not stop the others. Returns failures."""
    failed = []
    for sink in sinks:
        try:
            sink.send(alert)
        except Exception as exc:  # one broken sink must not hide the alert from the others
            failed.append(sink.name)
            log(f"alert sink {sink.name} failed: {exc}")
    return failed


def run_failure_alert_sensor(settings: Settings) -> dg.SensorDefinition:
    @dg.run_failure_sensor(
        name=ALERT_SENSOR_NAME,
        description=f"Reports every failed run of this code location to: {', '.join(settings.alert_sinks)}.",
        default_status=dg.DefaultSensorStatus.RUNNING,
        minimum_interval_seconds=15,
    )
    def run_failure_alerts(context: dg.RunFailureSensorContext) -> None:
        alert = alert_from_context(context, settings.webserver_url)
        failed = deliver(alert, sinks_for(settings, context.log.error), context.log.warning)
        if len(failed) == len(settings.alert_sinks):
            raise RuntimeError(f"no alert sink delivered the failure of run {alert.run_id}")

    return run_failure_alerts
