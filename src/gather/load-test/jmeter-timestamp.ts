// JMeter writes timeStamp as epoch milliseconds unless jmeter.save.saveservice.timestamp_format names
// a SimpleDateFormat pattern. Faultline reads epoch milliseconds and the patterns JMeter's own
// reader tries (yyyy/MM/dd HH:mm:ss[.SSS], yyyy-MM-dd HH:mm:ss[.SSS], MM/dd/yy HH:mm:ss), plus
// ISO 8601 with 'T' and an optional zone. A pattern without a zone was written in the local time of
// the machine that ran JMeter, which the file does not record: such times are read as UTC, which
// keeps durations and order right while the absolute clock may be off by the zone offset.

const YMD =
  /^(\d{4})[-/](\d{2})[-/](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const MDY = /^(\d{2})\/(\d{2})\/(\d{2})\s(\d{2}):(\d{2}):(\d{2})$/;

export interface ParsedTimestamp {
  ms: number;
  /** True when the text carried no zone and was read as UTC. */
  zoneless: boolean;
}

/** Epoch ms from a formatted JMeter timestamp, or undefined when the text is not one Faultline reads. */
export function parseFormattedTimestamp(text: string): ParsedTimestamp | undefined {
  const trimmed = text.trim();
  const ymd = YMD.exec(trimmed);
  if (ymd) {
    const [, y, mo, d, h, mi, s, frac, zone] = ymd;
    const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
    const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
    if (!validParts(utc, Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)))
      return undefined;
    if (!zone) return { ms: utc, zoneless: true };
    return { ms: utc - zoneOffsetMs(zone), zoneless: false };
  }
  const mdy = MDY.exec(trimmed);
  if (mdy) {
    const [, mo, d, yy, h, mi, s] = mdy;
    // SimpleDateFormat reads a two-digit year within 80 years before and 20 after now; for test results
    // written this century, 2000 + yy is that window.
    const year = 2000 + Number(yy);
    const utc = Date.UTC(year, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
    if (!validParts(utc, year, Number(mo), Number(d), Number(h), Number(mi), Number(s))) return undefined;
    return { ms: utc, zoneless: true };
  }
  return undefined;
}

/** Rejects dates Date.UTC silently rolls over (month 13, February 30), as JMeter's strict parser does. */
function validParts(
  utc: number,
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
): boolean {
  const date = new Date(utc);
  return (
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    h < 24 &&
    mi < 60 &&
    s < 60
  );
}

function zoneOffsetMs(zone: string): number {
  if (zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}
