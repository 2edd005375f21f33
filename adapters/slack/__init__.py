"""The Slack adapter: `/takeorpass` anywhere, the questionnaire in private, App Home, reminders."""

from adapters.slack.app import build_app
from adapters.slack.reminders import SlackDelivery, SlackPlaces
from adapters.slack.run import build_web_app, run_slack
from adapters.slack.sending import make_client

__all__ = [
    "SlackDelivery",
    "SlackPlaces",
    "build_app",
    "build_web_app",
    "make_client",
    "run_slack",
]
