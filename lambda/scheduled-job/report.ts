/** Pure logic of the example job: which day a nightly report covers. */
export interface ReportWindow {
  /** The day reported on, `YYYY-MM-DD` (UTC). */
  readonly day: string;
  /** Start and end of the window, ISO 8601. */
  readonly from: string;
  readonly to: string;
}

/**
 * The nightly report covers the 24 hours before the occurrence's scheduled time, so a late or
 * retried run reports on the same window as a punctual one (never on "now").
 */
export function reportWindow(scheduledTime: string): ReportWindow {
  const end = Date.parse(scheduledTime);
  if (Number.isNaN(end)) throw new Error(`scheduledTime '${scheduledTime}' is not an ISO 8601 time`);
  const start = end - 24 * 3_600_000;
  return {
    day: new Date(start).toISOString().slice(0, 10),
    from: new Date(start).toISOString(),
    to: new Date(end).toISOString(),
  };
}
