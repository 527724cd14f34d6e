import { loadConfig } from '../config/load.ts';

export function configCheck(file: string | undefined, env: NodeJS.ProcessEnv, out: (line: string) => void): number {
  const result = loadConfig(file, env);
  if (result.ok) {
    const c = result.config;
    out(`${result.source}: valid — ${c.stages.length} stages, ${c.signals.length} signals, ${c.triggers.length} triggers`);
    return 0;
  }
  for (const problem of result.problems) out(problem);
  out(`${result.source}: ${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}`);
  return 1;
}
