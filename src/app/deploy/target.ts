import { commandDeployTarget } from '../../adapters/deploy-command.ts';
import { webhookDeployTarget } from '../../adapters/deploy-webhook.ts';
import type { DeployCommands, SparkConfig } from '../../config/schema.ts';
import type { DeployTarget } from '../../ports/deploy.ts';
import type { Source } from '../preflight/check.ts';
import { targetReader } from '../targets.ts';

/**
 * The bot's own secrets. A deploy command runs the team's scripts, and whatever they start (a rebuild's install
 * scripts): none of it may post as the bot or seal evidence.
 */
const BOT_SECRETS = [
  'SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET', 'EVIDENCE_HMAC_KEY', 'PAGERDUTY_ROUTING_KEY', 'PAGERDUTY_API_TOKEN', 'DATABASE_URL',
];

/** The deploy target `deploy.adapter` names, or why there is none (the canary then refuses, with that reason). */
export function configuredDeployTarget(config: SparkConfig, env: NodeJS.ProcessEnv): Source<DeployTarget> {
  const { adapter, timeout: timeoutMs, command, webhook } = config.deploy;
  switch (adapter) {
    case 'none':
      return { missing: 'no deploy target configured (deploy.adapter is none): set it to command or webhook' };
    case 'command':
      if (command === undefined) return { missing: 'not configured (deploy.command)' };
      return { port: commandDeployTarget(stepCommands(command), { timeoutMs, env: withoutBotSecrets(env) }) };
    case 'webhook': {
      const from = targetReader(env);
      const secret = from('deploy.webhook.secret', webhook.secret, (value) => value);
      if ('missing' in secret) return secret;
      return from('deploy.webhook.url', webhook.url, (url) => webhookDeployTarget(url, { secret: secret.port, timeoutMs, retries: webhook.retries }));
    }
  }
}

const stepCommands = ({ rollback, ...rest }: DeployCommands) => ({
  ...rest,
  rollback: {
    stop: rollback.stop,
    checkout: rollback.checkout,
    rebuild: rollback.rebuild,
    'db-compat': rollback.dbCompat,
    restart: rollback.restart,
    'verify-health': rollback.verifyHealth,
  },
});

const withoutBotSecrets = (env: NodeJS.ProcessEnv) => Object.fromEntries(Object.entries(env).filter(([name]) => !BOT_SECRETS.includes(name)));
