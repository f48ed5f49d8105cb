"""A planned conversation as an iCalendar invite (.ics) that Outlook, Google and Apple accept.

Why these rules (RFC 5545 / 5546): an invite that is later moved or cancelled must carry the
same UID and a higher SEQUENCE, or the calendar adds a second entry instead of replacing the
first; a cancellation is METHOD:CANCEL with STATUS:CANCELLED. Times are written in UTC, so no
VTIMEZONE block is needed and every calendar shows them in its own zone. The `icalendar`
library does the escaping and the line folding (75 octets, UTF-8 safe) that hand-written
invites get wrong with Dutch names and long descriptions.

Pure: no database, no Slack; bot/services/common/calendar.py decides when to send what.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Kwaliteitsgesprek//Slack bot//NL"
DEFAULT_DURATION = timedelta(hours=2)


@dataclass(frozen=True)
class Meeting:
    uid: str
    sequence: int
    starts: datetime  # aware
    summary: str
    description: str
    stamp: datetime  # when this version of the invite was made (aware)
    duration: timedelta = DEFAULT_DURATION
    organizer_name: str | None = None
    organizer_address: str = "mailto:noreply@kwaliteitsgesprek.invalid"
    location: str | None = None  # e.g. "Slack #kwaliteit-ouderen"
    url: str | None = None


def invite(meeting: Meeting, *, cancel: bool = False) -> bytes:
    """The .ics bytes: METHOD:REQUEST (new or moved) or METHOD:CANCEL."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", meeting.stamp.astimezone(UTC))
    event.add("dtstart", meeting.starts.astimezone(UTC))
    event.add("dtend", (meeting.starts + meeting.duration).astimezone(UTC))
    event.add("summary", meeting.summary)
    event.add("description", meeting.description)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.url:
        event.add("url", meeting.url)
    organizer = vCalAddress(meeting.organizer_address)
    if meeting.organizer_name:
        organizer.params["cn"] = vText(meeting.organizer_name)
    event.add("organizer", organizer)
    calendar.add_component(event)
    return calendar.to_ical()
