import type { SparkConfig } from '../../src/config/schema.ts';

/** The config with `rollback_tested` ticked by the DevOps Lead instead of filled from recorded rollbacks and drills. */
export function handTickedRollback(config: SparkConfig): SparkConfig {
  const items = config.gonogo.items.map((i) => (i.id === 'rollback_tested' ? { id: i.id, title: i.title, tickedBy: 'devopsLead' } : i));
  return { ...config, gonogo: { ...config.gonogo, items } };
}
