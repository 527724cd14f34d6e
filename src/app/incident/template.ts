/** The team's incident template (`escalation.template`), filled in and posted in every incident's thread. */
import { readFile } from 'node:fs/promises';
import { splitForSlack } from '../../domain/first-night/texts.ts';
import type { IncidentState, NameOf } from '../../domain/incident/state.ts';

/** `{{id}}`, `{{ severity }}`, …: a field the template names but the incident has not is left as it is. */
export function fillTemplate(template: string, s: IncidentState, nameOf: NameOf): string {
  const fields: Record<string, string> = {
    id: s.id,
    severity: s.severity,
    summary: s.summary,
    version: s.version ?? 'not linked to a release',
    openedAt: new Date(s.openedAt).toISOString(),
    openedBy: s.origin.kind === 'person' ? nameOf(s.origin.by) : 'Spark (automatically)',
  };
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (field: string, name: string) => fields[name] ?? field);
}

/** The posts for the thread: the filled template, or a line saying it could not be read (never silence). */
export async function templatePosts(path: string | undefined, s: IncidentState, nameOf: NameOf): Promise<string[]> {
  if (!path) return [];
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => new Error(err.code ?? err.message));
  if (text instanceof Error) return [`⚠️ The incident template \`${path}\` could not be read (${text.message}): follow the team's template by hand.`];
  return splitForSlack([`📋 *Incident template* (\`${path}\`): fill it in here as the incident goes.\n${fillTemplate(text, s, nameOf)}`]);
}
