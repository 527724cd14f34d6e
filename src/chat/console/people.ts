import type { SparkConfig } from '../../config/schema.ts';
import type { Person } from './surface.ts';

/** Everyone the config names in a role, the IC first: the identities the console can act as. */
export function consolePeople(config: SparkConfig): Person[] {
  const ids = [...(config.roles.ic ?? []), ...Object.values(config.roles).flat()];
  return [...new Set(ids)].map((userId) => ({ userId, name: config.people[userId] ?? userId }));
}
