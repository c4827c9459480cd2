"""Reads an ENT iCalendar feed back with an independent parser (PyPI `icalendar`, pinned by
scripts/test) and checks it against what the Rust test expects.

Usage: ical_check.py FEED.ics EXPECTED.json

EXPECTED is {"events": [{"uid", "summary", "start", "end", "all_day", "sequence", "status"}]}:
every listed VEVENT must be in the feed with those values (`start`/`end` as local Europe/Paris
wall-clock times `YYYY-MM-DDTHH:MM:SS`, or dates for all-day entries). Also checked: the raw
text (CRLF line ends, lines folded at 75 octets), the VTIMEZONE of Europe/Paris (its offsets in
winter and summer, as the parser turns it into a time zone). Prints a JSON summary on success;
exits non-zero naming the first difference otherwise.
"""

import datetime as dt
import json
import sys

import icalendar


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def main():
    raw = open(sys.argv[1], "rb").read()
    expected = json.load(open(sys.argv[2], encoding="utf-8"))

    # The raw text: CRLF everywhere, no line over 75 octets.
    if not raw.endswith(b"\r\n"):
        fail("the feed does not end with CRLF")
    lines = raw.split(b"\r\n")[:-1]
    for line in lines:
        if b"\n" in line or b"\r" in line:
            fail(f"a bare LF or CR in line {line!r}")
        if len(line) > 75:
            fail(f"line of {len(line)} octets: {line!r}")
    folded = sum(1 for line in lines if line.startswith(b" "))

    cal = icalendar.Calendar.from_ical(raw)
    if str(cal.get("VERSION")) != "2.0":
        fail("VERSION is not 2.0")

    # The time zone: one VTIMEZONE for Europe/Paris, CET in winter and CEST in summer.
    zones = cal.walk("VTIMEZONE")
    if len(zones) != 1 or str(zones[0]["TZID"]) != "Europe/Paris":
        fail(f"expected one VTIMEZONE Europe/Paris, got {[str(z.get('TZID')) for z in zones]}")
    kinds = sorted(c.name for c in zones[0].subcomponents)
    if kinds != ["DAYLIGHT", "STANDARD"]:
        fail(f"VTIMEZONE has {kinds}")
    tz = zones[0].to_tz()
    for when, hours in [(dt.datetime(2027, 1, 15, 12), 1), (dt.datetime(2027, 7, 15, 12), 2),
                        (dt.datetime(2026, 10, 25, 1, 30), 2), (dt.datetime(2026, 10, 25, 4), 1),
                        (dt.datetime(2027, 3, 28, 1, 30), 1), (dt.datetime(2027, 3, 28, 4), 2)]:
        offset = when.replace(tzinfo=tz).utcoffset()
        if offset != dt.timedelta(hours=hours):
            fail(f"VTIMEZONE gives {offset} at {when}, expected +{hours}h")

    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    for want in expected["events"]:
        e = events.get(want["uid"])
        if e is None:
            fail(f"no VEVENT {want['uid']} among {sorted(events)}")
        if str(e["SUMMARY"]) != want["summary"]:
            fail(f"{want['uid']}: SUMMARY {str(e['SUMMARY'])!r}, expected {want['summary']!r}")
        for prop, key in [("DTSTART", "start"), ("DTEND", "end")]:
            value = e.decoded(prop)
            if want["all_day"]:
                if isinstance(value, dt.datetime) or value.isoformat() != want[key]:
                    fail(f"{want['uid']}: {prop} {value!r}, expected the date {want[key]}")
            else:
                if e[prop].params.get("TZID") != "Europe/Paris":
                    fail(f"{want['uid']}: {prop} has TZID {e[prop].params.get('TZID')}")
                if not isinstance(value, dt.datetime) or value.tzinfo is None:
                    fail(f"{want['uid']}: {prop} {value!r} is not a zoned date-time")
                if value.replace(tzinfo=None).isoformat() != want[key]:
                    fail(f"{want['uid']}: {prop} {value.isoformat()}, expected {want[key]} Europe/Paris")
                # The same instant through the feed's own VTIMEZONE.
                local = dt.datetime.fromisoformat(want[key]).replace(tzinfo=tz)
                if value.astimezone(dt.timezone.utc) != local.astimezone(dt.timezone.utc):
                    fail(f"{want['uid']}: {prop} is not the instant the VTIMEZONE gives")
        if int(e.get("SEQUENCE", 0)) != want["sequence"]:
            fail(f"{want['uid']}: SEQUENCE {e.get('SEQUENCE')}, expected {want['sequence']}")
        if str(e.get("STATUS")) != want["status"]:
            fail(f"{want['uid']}: STATUS {e.get('STATUS')}, expected {want['status']}")
        if "DTSTAMP" not in e:
            fail(f"{want['uid']}: no DTSTAMP")

    print(json.dumps({"events": len(events), "uids": sorted(events), "folded_lines": folded,
                      "cancelled": sorted(u for u, e in events.items() if str(e.get("STATUS")) == "CANCELLED")}))


main()
