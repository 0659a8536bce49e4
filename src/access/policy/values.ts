// Numbers and dates as the Numeric* and Date* condition operators read them,
// from the policy and from the request alike.

/** A decimal number (`10`, `-2.5`, `1e3`); undefined for anything else, so `0x10` or `''` never compare. */
export function parseNumber(text: string): number | undefined {
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

// W3C's profile of ISO 8601 (https://www.w3.org/TR/NOTE-datetime), which IAM
// names for Date operators: YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mmTZD,
// YYYY-MM-DDThh:mm:ssTZD, YYYY-MM-DDThh:mm:ss.sTZD. A missing zone is read as UTC.
const W3C_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/**
 * Milliseconds since the epoch of a Date operator value: ISO 8601 as above, or
 * epoch seconds (aws:EpochTime, "or in epoch (UNIX) time"). A bare number is
 * read as epoch seconds. undefined when it is neither.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date
 */
export function parseDate(text: string): number | undefined {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const m = W3C_DATE.exec(text);
  if (!m) return undefined;
  const [year, month = '01', day = '01', hour = '00', minute = '00', second = '00', fraction = '', zone = 'Z'] = m.slice(1) as (string | undefined)[];
  const fields = [Number(month), Number(day), Number(hour), Number(minute), Number(second)] as const;
  const [mo, d, h, mi, s] = fields;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  const utc = Date.UTC(Number(year), mo - 1, d, h, mi, s, Math.floor(Number(`0.${fraction || '0'}`) * 1000));
  // Date.UTC rolls 2021-02-30 over into March: refuse days the month lacks.
  if (new Date(utc).getUTCDate() !== d) return undefined;
  if (zone === 'Z') return utc;
  const sign = zone.startsWith('-') ? -1 : 1;
  const [zh, zm] = zone.slice(1).split(':').map(Number) as [number, number];
  if (zh > 23 || zm > 59) return undefined;
  return utc - sign * (zh * 60 + zm) * 60_000;
}
