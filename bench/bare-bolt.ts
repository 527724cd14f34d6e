// The ceiling we compare against: a bare Bolt app whose /spark handler and buttons only ack.
import bolt from '@slack/bolt';

const app = new bolt.App({
  token: 'xoxb-bench',
  botId: 'B0BOT',
  botUserId: 'U0BOT',
  signingSecret: process.env.SLACK_SIGNING_SECRET!,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  logLevel: bolt.LogLevel.ERROR,
});
app.command('/spark', async ({ ack }) => ack());
app.action({ type: 'block_actions' }, async ({ ack }) => ack());
await app.start({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('bare bolt up');
