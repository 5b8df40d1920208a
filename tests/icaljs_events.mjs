// Reads an iCalendar file with ical.js (Thunderbird's parser, from npm) and prints its events as JSON:
//   node tests/icaljs_events.mjs calendrier.ics
// Used by the Python tests as an independent reader of the subscription file.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

const text = readFileSync(process.argv[2], "utf8");
const calendar = new ICAL.Component(ICAL.parse(text));
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  const lastModified = component.getFirstPropertyValue("last-modified");
  return {
    uid: event.uid,
    sequence: event.sequence,
    status: component.getFirstPropertyValue("status"),
    dtstamp: component.getFirstPropertyValue("dtstamp").toString(),
    lastModified: lastModified ? lastModified.toString() : null,
    summary: event.summary,
    description: event.description,
    start: event.startDate.toString(),
    end: event.endDate.toString(),
    startUnix: event.startDate.toUnixTime(),
  };
});
process.stdout.write(JSON.stringify(events));
