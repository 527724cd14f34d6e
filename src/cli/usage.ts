export const USAGE = `Usage: npm start -- [command]

  serve                                    run the bot (default); the mode comes from the environment
  rehearse <version> [--inject SIGNAL@STAGE]... [--json] [--evidence-dir DIR]
                                           the whole ritual on the simulated platform, in virtual time
  config check [FILE]                      validate a config file (default: SPARK_CONFIG or spark.config.yml)
  evidence verify <version> [--evidence-dir DIR]
                                           recompute the evidence manifest and the audit chain
  migrate                                  apply database migrations and exit
  help                                     this text`;

/** A mistake in how the command line was typed: exit 2 with the reason and the usage. */
export class UsageError extends Error {}
