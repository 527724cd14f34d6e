import { runBot } from './bot.ts';
import { configCheck } from './cli/config-check.ts';
import { evidenceVerify } from './cli/evidence-verify.ts';
import { evidenceKeyFrom, loadOrCreateLocalKey } from './evidence/key.ts';
import { rehearse } from './cli/rehearse.ts';
import { systemClock } from './adapters/system-clock.ts';
import { USAGE, UsageError } from './cli/usage.ts';
import { loadConfig } from './config/load.ts';
import { readSettings } from './env.ts';
import { createLogger, scrubSecrets } from './log.ts';
import { migrate } from './store/migrate.ts';
import { openDatabase } from './store/open.ts';

// A reader that stops early (`| head`) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const out = (line: string) => void process.stdout.write(`${line}\n`);
const err = (line: string) => void process.stderr.write(`${line}\n`);

function settingsOrExit() {
  const result = readSettings(process.env);
  if (!result.ok) throw new StartRefused([result.problem]);
  return result.settings;
}

class StartRefused extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

async function serve(): Promise<number> {
  const settings = settingsOrExit();
  const loaded = loadConfig(undefined, process.env);
  if (!loaded.ok) throw new StartRefused([...loaded.problems, `${loaded.source}: refusing to start on an invalid config (npm start -- config check)`]);
  const log = createLogger({ level: settings.logLevel, pretty: settings.mode.kind === 'console' });
  await runBot({ settings, config: loaded.config, configSource: loaded.source, log, stdin: process.stdin, stdout: process.stdout });
  return 0;
}

async function runMigrate(): Promise<number> {
  const settings = settingsOrExit();
  const db = await openDatabase(settings.databaseUrl, settings.dataDir);
  try {
    const { applied, version } = await migrate(db);
    out(applied.length ? `applied ${applied.join(', ')}; schema is at v${version}` : `schema is current at v${version}`);
    return 0;
  } finally {
    await db.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command = 'serve', ...args] = argv;
  switch (command) {
    case 'serve':
      if (args.length) throw new UsageError(`serve takes no arguments, got "${args.join(' ')}"`);
      return serve();
    case 'config':
      if (args[0] !== 'check' || args.length > 2) throw new UsageError('did you mean `config check [FILE]`?');
      return configCheck(args[1], process.env, out);
    case 'migrate':
      if (args.length) throw new UsageError(`migrate takes no arguments, got "${args.join(' ')}"`);
      return runMigrate();
    case 'rehearse': {
      const loaded = loadConfig(undefined, process.env);
      if (!loaded.ok) throw new StartRefused([...loaded.problems, `${loaded.source}: cannot rehearse on an invalid config`]);
      return rehearse(args, loaded.config, process.stdout, err, systemClock.now());
    }
    case 'evidence': {
      if (args[0] !== 'verify') throw new UsageError('did you mean `evidence verify <version>`?');
      const settings = settingsOrExit();
      return evidenceVerify(args.slice(1), {
        openDb: () => openDatabase(settings.databaseUrl, settings.dataDir),
        key: async () => (settings.hmacKey ? evidenceKeyFrom(settings.hmacKey) : loadOrCreateLocalKey(settings.dataDir)),
        evidenceDir: settings.evidenceDir,
        out,
        err,
      });
    }
    case 'help':
    case '--help':
    case '-h':
      out(USAGE);
      return 0;
    default:
      throw new UsageError(`"${command}" is not a command`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError) {
      err(e.message);
      err(USAGE);
      process.exit(2);
    }
    if (e instanceof StartRefused) {
      for (const line of e.lines) err(line);
      process.exit(1);
    }
    err(`spark-ritual failed: ${scrubSecrets(e instanceof Error ? e.message : String(e))}`);
    process.exit(1);
  },
);
