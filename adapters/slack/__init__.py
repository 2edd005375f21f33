"""The Slack adapter: `/takeorpass` anywhere, the questionnaire in private, App Home."""

from adapters.slack.app import build_app, build_web_app, run_slack

__all__ = ["build_app", "build_web_app", "run_slack"]
