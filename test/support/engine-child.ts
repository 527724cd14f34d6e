// A bot process reduced to its engine, for the crash test: runs timers and delivers the outbox against the
// database in DATABASE_URL (or the PGlite in SPARK_DATA_DIR) until nothing is pending, then exits 0.
import pino from 'pino';
import { slackDelivery } from '../../src/adapters/slack-delivery.ts';
import { systemClock } from '../../src/adapters/system-clock.ts';
import { unconfiguredPager } from '../../src/adapters/unconfigured-pager.ts';
import { textCard } from '../../src/chat/card.ts';
import { createEngine } from '../../src/engine/engine.ts';
import { enqueue, outboxCounts } from '../../src/engine/outbox.ts';
import { timerCounts } from '../../src/engine/timers.ts';
import { openDatabase } from '../../src/store/open.ts';

const db = await openDatabase(process.env.DATABASE_URL, process.env.SPARK_DATA_DIR!);
const engine = createEngine({
  db,
  clock: systemClock,
  chat: slackDelivery('xoxb-crash', process.env.SLACK_API_URL),
  pager: unconfiguredPager,
  log: pino({ level: 'silent' }),
  worker: `child-${process.pid}`,
  handlers: {
    effect: async (timer, step) => {
      await step.commit(async (tx) => {
        await tx.query('INSERT INTO effect VALUES ($1)', [timer.key]);
        await enqueue(tx, { kind: 'slack.post', channel: String(timer.payload.channel), card: textCard(timer.key) }, step.now);
      });
    },
  },
  alertChannel: 'C0ALERTS',
  policy: { leaseMs: Number(process.env.LEASE_MS ?? 60_000) },
});
process.stdout.write('engine up\n');
for (;;) {
  await engine.runDue();
  const now = systemClock.now();
  const [t, o] = await Promise.all([timerCounts(db, now), outboxCounts(db, now)]);
  if (t.pending === 0 && o.pending === 0) break;
  await new Promise((r) => setTimeout(r, 10));
}
await db.close();
process.stdout.write('engine idle\n');
