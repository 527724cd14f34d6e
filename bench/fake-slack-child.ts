// The loopback fake Slack in a process of its own, for the load benches: its bookkeeping of tens of thousands of
// posts then slows neither the load generator nor its measurements. Prints `fake slack <url>` once listening.
import { startFakeSlack } from '../test/fakes/slack-web-api.ts';

const slack = await startFakeSlack();
process.stdout.write(`fake slack ${slack.url}\n`);
process.once('SIGTERM', () => void slack.close().then(() => process.exit(0)));
