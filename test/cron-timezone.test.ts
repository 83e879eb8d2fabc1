import {
  Cron, formatInTimeZone, isKnownTimeZone, matchesWallClock, nextCronRuns, offsetChanges, parseCron, skippedWallClocks, zonedTimeToUtc,
} from '../lib/scheduled-job/cron';

/**
 * Next runs of a cron in a time zone, as EventBridge Scheduler evaluates them across daylight
 * saving: a local time skipped in spring does not run, a local time repeated in autumn runs once.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#daylist-savings-time
 * 2027 switches: Europe/Berlin 28 March 02:00 -> 03:00 and 31 October 03:00 -> 02:00;
 * America/New_York 14 March 02:00 -> 03:00 and 7 November 02:00 -> 01:00.
 */
function runs(expression: string, zone: string, after: string, count = 5): string[] {
  const cron = parseCron(expression) as Cron;
  return nextCronRuns(cron, zone, new Date(after), count).map((d) => `${d.toISOString().slice(0, 16)}Z = ${formatInTimeZone(d, zone)}`);
}

describe('next runs across daylight saving', () => {
  test('Europe/Berlin spring: 02:30 does not exist on 28 March and is skipped; 09:00 moves from 08:00Z to 07:00Z', () => {
    expect(runs('30 2 * * ? *', 'Europe/Berlin', '2027-03-26T00:00:00Z')).toEqual([
      '2027-03-26T01:30Z = 2027-03-26 02:30 (UTC+01:00)',
      '2027-03-27T01:30Z = 2027-03-27 02:30 (UTC+01:00)',
      '2027-03-29T00:30Z = 2027-03-29 02:30 (UTC+02:00)',
      '2027-03-30T00:30Z = 2027-03-30 02:30 (UTC+02:00)',
      '2027-03-31T00:30Z = 2027-03-31 02:30 (UTC+02:00)',
    ]);
    expect(runs('0 9 * * ? *', 'Europe/Berlin', '2027-03-27T00:00:00Z', 2)).toEqual([
      '2027-03-27T08:00Z = 2027-03-27 09:00 (UTC+01:00)',
      '2027-03-28T07:00Z = 2027-03-28 09:00 (UTC+02:00)',
    ]);
  });

  test('Europe/Berlin autumn: 02:30 happens twice on 31 October and runs once, at the first (CEST)', () => {
    expect(runs('30 2 * * ? *', 'Europe/Berlin', '2027-10-30T00:00:00Z', 3)).toEqual([
      '2027-10-30T00:30Z = 2027-10-30 02:30 (UTC+02:00)',
      '2027-10-31T00:30Z = 2027-10-31 02:30 (UTC+02:00)',
      '2027-11-01T01:30Z = 2027-11-01 02:30 (UTC+01:00)',
    ]);
  });

  test('America/New_York spring: 02:00 on 14 March is skipped; a weekday 07:15 job keeps its local time', () => {
    expect(runs('0 2 * * ? *', 'America/New_York', '2027-03-13T00:00:00Z', 3)).toEqual([
      '2027-03-13T07:00Z = 2027-03-13 02:00 (UTC-05:00)',
      '2027-03-15T06:00Z = 2027-03-15 02:00 (UTC-04:00)',
      '2027-03-16T06:00Z = 2027-03-16 02:00 (UTC-04:00)',
    ]);
    expect(runs('15 7 ? * MON-FRI *', 'America/New_York', '2027-03-11T00:00:00Z', 3)).toEqual([
      '2027-03-11T12:15Z = 2027-03-11 07:15 (UTC-05:00)',
      '2027-03-12T12:15Z = 2027-03-12 07:15 (UTC-05:00)',
      '2027-03-15T11:15Z = 2027-03-15 07:15 (UTC-04:00)',
    ]);
  });

  test('America/New_York autumn: every 30 minutes through the repeated hour runs 01:00 and 01:30 once each', () => {
    expect(runs('0/30 0-2 7 11 ? 2027', 'America/New_York', '2027-11-07T00:00:00Z', 10)).toEqual([
      '2027-11-07T04:00Z = 2027-11-07 00:00 (UTC-04:00)',
      '2027-11-07T04:30Z = 2027-11-07 00:30 (UTC-04:00)',
      '2027-11-07T05:00Z = 2027-11-07 01:00 (UTC-04:00)',
      '2027-11-07T05:30Z = 2027-11-07 01:30 (UTC-04:00)',
      '2027-11-07T07:00Z = 2027-11-07 02:00 (UTC-05:00)',
      '2027-11-07T07:30Z = 2027-11-07 02:30 (UTC-05:00)',
    ]);
  });

  test('a cron that never fires gives no runs; one whose years ended too', () => {
    expect(runs('0 0 31 2 ? *', 'Etc/UTC', '2027-01-01T00:00:00Z')).toEqual([]);
    expect(runs('0 0 * * ? 2020', 'Etc/UTC', '2027-01-01T00:00:00Z')).toEqual([]);
    expect(runs('0 0 29 2 ? *', 'Etc/UTC', '2027-01-01T00:00:00Z', 2)).toEqual([
      '2028-02-29T00:00Z = 2028-02-29 00:00 (UTC+00:00)',
      '2032-02-29T00:00Z = 2032-02-29 00:00 (UTC+00:00)',
    ]);
  });

  test('runs strictly after the given instant, in ascending order even for unordered lists', () => {
    expect(runs('30,0 12,6 * * ? *', 'Etc/UTC', '2027-01-01T06:00:00Z', 3)).toEqual([
      '2027-01-01T06:30Z = 2027-01-01 06:30 (UTC+00:00)',
      '2027-01-01T12:00Z = 2027-01-01 12:00 (UTC+00:00)',
      '2027-01-01T12:30Z = 2027-01-01 12:30 (UTC+00:00)',
    ]);
  });
});

describe('zonedTimeToUtc', () => {
  test('a skipped local time does not exist; a repeated one resolves to its first instant', () => {
    expect(zonedTimeToUtc({ year: 2027, month: 3, day: 28, hour: 2, minute: 30 }, 'Europe/Berlin')).toBeUndefined();
    expect(zonedTimeToUtc({ year: 2027, month: 10, day: 31, hour: 2, minute: 30 }, 'Europe/Berlin')?.toISOString()).toBe('2027-10-31T00:30:00.000Z');
    expect(zonedTimeToUtc({ year: 2027, month: 6, day: 1, hour: 12, minute: 0 }, 'Asia/Kolkata')?.toISOString()).toBe('2027-06-01T06:30:00.000Z');
  });
});

describe('isKnownTimeZone', () => {
  test('runtime names, links and UTC aliases are known; offsets and inventions are not', () => {
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Asia/Calcutta', 'UTC', 'Etc/UTC', 'GMT', 'Etc/GMT+5', 'US/Eastern']) {
      expect([zone, isKnownTimeZone(zone)]).toEqual([zone, true]);
    }
    for (const zone of ['Mars/Olympus_Mons', '+01:00', 'CEST', 'Europe/Berlin ', '']) {
      expect([zone, isKnownTimeZone(zone)]).toEqual([zone, false]);
    }
  });
});

describe('offset changes', () => {
  test('the 2027 daylight-saving switches of Berlin and New York, to the minute; none in UTC', () => {
    const from = new Date('2027-01-01T00:00:00Z');
    const iso = (zone: string) => offsetChanges(zone, from, 366).map((c) => [c.at.toISOString(), c.shiftMinutes]);
    expect(iso('Europe/Berlin')).toEqual([['2027-03-28T01:00:00.000Z', 60], ['2027-10-31T01:00:00.000Z', -60]]);
    expect(iso('America/New_York')).toEqual([['2027-03-14T07:00:00.000Z', 60], ['2027-11-07T06:00:00.000Z', -60]]);
    expect(iso('Etc/UTC')).toEqual([]);
  });

  test('the local minutes a spring switch skips, and which of them a cron names', () => {
    const [spring, autumn] = offsetChanges('Europe/Berlin', new Date('2027-01-01T00:00:00Z'), 366);
    const skipped = skippedWallClocks(spring, 'Europe/Berlin');
    expect([skipped.length, skipped[0], skipped[59]]).toEqual([60,
      { year: 2027, month: 3, day: 28, hour: 2, minute: 0 }, { year: 2027, month: 3, day: 28, hour: 2, minute: 59 }]);
    expect(skippedWallClocks(autumn, 'Europe/Berlin')).toEqual([]);
    const cron = parseCron('30 2 * * ? *') as Cron;
    expect(skipped.filter((w) => matchesWallClock(cron, w))).toEqual([{ year: 2027, month: 3, day: 28, hour: 2, minute: 30 }]);
  });
});
