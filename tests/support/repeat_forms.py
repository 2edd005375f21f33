"""Every repeat form a reminder takes, as typed after `remind`, with what its confirmation says
when it is typed at 09:00 local time on Thursday 26 Nov 2026: the rule in words, the text, and
the next two times. Times are local and without their zone, so one table serves the console
(New York), Slack (a Berlin profile) and Discord alike; none of them crosses a clock change."""

from __future__ import annotations

from typing import NamedTuple


class Form(NamedTuple):
    typed: str
    words: str  # the rule as the confirmation says it
    text: str
    first: str
    second: str

    def said(self, zone: str) -> list[str]:
        """The lines the confirmation must hold, with the zone's abbreviation."""
        return [
            f"{self.words}, starting {self.first} {zone}: {self.text}",
            f"{self.first} {zone}",
            f"{self.second} {zone}",
        ]


FORMS = (
    Form("every day at 18:00 stretch", "every day at 18:00", "stretch",
         "Thu 26 Nov, 18:00", "Fri 27 Nov, 18:00"),
    Form("every weekday at 8:30 plan the day", "every weekday at 08:30", "plan the day",
         "Fri 27 Nov, 08:30", "Mon 30 Nov, 08:30"),
    Form("every weekend at 10am go for a run", "every Saturday and Sunday at 10:00",
         "go for a run", "Sat 28 Nov, 10:00", "Sun 29 Nov, 10:00"),
    Form("every mon, wed and fri at 10am gym", "every Monday, Wednesday and Friday at 10:00",
         "gym", "Fri 27 Nov, 10:00", "Mon 30 Nov, 10:00"),
    Form("every other friday 4pm timesheet", "every other Friday at 16:00", "timesheet",
         "Fri 27 Nov, 16:00", "Fri 11 Dec, 16:00"),
    Form("every 3 days at 9am water the plants", "every 3 days at 09:00", "water the plants",
         "Fri 27 Nov, 09:00", "Mon 30 Nov, 09:00"),
    Form("every 2 weeks on tuesday at 9am check in", "every other Tuesday at 09:00", "check in",
         "Tue 1 Dec, 09:00", "Tue 15 Dec, 09:00"),
    Form("every 4 hours drink water", "every 4 hours", "drink water",
         "Thu 26 Nov, 13:00", "Thu 26 Nov, 17:00"),
    Form("every month on the 1st at 10am pay rent", "every month on the 1st at 10:00",
         "pay rent", "Tue 1 Dec, 10:00", "Fri 1 Jan 2027, 10:00"),
    Form("every month on the first monday at 9am review goals",
         "every month on the first Monday at 09:00", "review goals",
         "Mon 7 Dec, 09:00", "Mon 4 Jan 2027, 09:00"),
    Form("every month on the last friday at 4pm demo", "every month on the last Friday at 16:00",
         "demo", "Fri 27 Nov, 16:00", "Fri 25 Dec, 16:00"),
    Form("every month on the last day at 9am send invoices",
         "every month on the last day at 09:00", "send invoices",
         "Mon 30 Nov, 09:00", "Thu 31 Dec, 09:00"),
    Form("every year on dec 3 at 9am renew the licence", "every year on 3 Dec at 09:00",
         "renew the licence", "Thu 3 Dec, 09:00", "Fri 3 Dec 2027, 09:00"),
    Form("every monday at 9am until dec 31 stand-up",
         "every Monday at 09:00 until 31 Dec 2026", "stand-up",
         "Mon 30 Nov, 09:00", "Mon 7 Dec, 09:00"),
    Form("every friday at 5pm for 3 weeks retro", "every Friday at 17:00 until 17 Dec 2026",
         "retro", "Fri 27 Nov, 17:00", "Fri 4 Dec, 17:00"),
)  # fmt: skip
