// Reads iCalendar files with ical.js (an independent parser, as calendar
// applications use) and prints, as JSON, what a calendar application shows:
// the calendar's own text properties and, for each event, its text, start,
// end and time zone. Usage: node tests/clients/read_ics.mjs FILE.ics...
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const TEXT = ["prodid", "x-wr-calname", "x-wr-caldesc"];
// RFC 5545, 3.8.8.2: the default value type of a non-standard property is
// TEXT. ical.js leaves the value of properties it does not know raw; told
// so, it reads them as calendar applications built on it do (Thunderbird).
for (const name of ["x-wr-calname", "x-wr-caldesc"]) {
  ICAL.design.icalendar.property[name] = { defaultType: "text" };
}

function read(path) {
  const calendar = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(zone);
  }
  const own = {};
  for (const name of TEXT) own[name] = calendar.getFirstPropertyValue(name);
  const events = calendar.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    return {
      uid: event.uid,
      summary: event.summary,
      description: event.description,
      location: event.location,
      start: event.startDate.toString(),
      end: event.endDate.toString(),
      allDay: event.startDate.isDate,
      tzid: event.startDate.isDate ? null : event.startDate.zone.tzid,
      startUtc: event.startDate.isDate ? null : event.startDate.toUnixTime(),
    };
  });
  return { path, calendar: own, events };
}

const out = process.argv.slice(2).map(read);
process.stdout.write(JSON.stringify(out));
