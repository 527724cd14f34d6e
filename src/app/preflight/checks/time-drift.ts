import { findingOf, type Finding, type Outcome } from '../../../domain/preflight/finding.ts';
import { fmt, type PreflightCheck } from '../check.ts';

/** Judges one clock offset against the producers' tolerance. */
export function judgeDrift(name: string, offsetMs: number, warnAt: number, failAt: number): { outcome: Outcome; line: string } {
  const size = Math.abs(offsetMs);
  const outcome: Outcome = size > failAt ? 'fail' : size > warnAt ? 'warn' : 'pass';
  const side = offsetMs >= 0 ? 'ahead of' : 'behind';
  return { outcome, line: `${name} is ${fmt(size / 1000, 3)} s ${side} the bot (tolerance ±${fmt(failAt / 1000)} s)` };
}

/** Check 2: the bot's clock against an SNTP server and against the target database's now(). */
export const timeDriftCheck: PreflightCheck = {
  id: 'time-drift',
  title: 'Time drift',
  async run({ now, config, sources }): Promise<Finding> {
    const { warnAt, failAt } = config.preflight.timeDrift;
    const parts: { outcome: Outcome; line: string }[] = [];
    const data: Record<string, number> = {};
    if ('port' in sources.timeSource) {
      data.ntpOffsetMs = await sources.timeSource.port.offsetMs();
      parts.push(judgeDrift('the NTP server', data.ntpOffsetMs, warnAt, failAt));
    } else parts.push({ outcome: 'warn', line: `NTP not compared: ${sources.timeSource.missing}` });
    if ('port' in sources.targetDb) {
      const before = now().getTime();
      const dbNow = await sources.targetDb.port.now();
      const mid = (before + now().getTime()) / 2;
      data.dbOffsetMs = Math.round(dbNow.getTime() - mid);
      parts.push(judgeDrift("the target database's now()", data.dbOffsetMs, warnAt, failAt));
    } else parts.push({ outcome: 'warn', line: `database clock not compared: ${sources.targetDb.missing}` });
    if (Object.keys(data).length === 0) return { outcome: 'skipped', summary: 'no NTP server and no target database configured', lines: parts.map((p) => p.line) };
    const worst = Math.max(...Object.values(data).map(Math.abs));
    return findingOf(parts, `within ±${fmt(worst / 1000, 3)} s`, data);
  },
};
