import { findingOf, type Finding } from '../../../domain/preflight/finding.ts';
import type { PreflightCheck } from '../check.ts';

/** Check 1: who ran the preflight, for which version and commit, from where and when — sealed with the evidence key. */
export const identityCheck: PreflightCheck = {
  id: 'identity',
  title: 'Identity & time seal',
  async run({ version, actor, host, now, config, sources, seal }): Promise<Finding> {
    const commit = config.preflight.commit ?? ('port' in sources.deploy ? await sources.deploy.port.commitOf(version) : undefined);
    const record = { user: actor, version, commit: commit ?? null, host, utc: now().toISOString() };
    const text = JSON.stringify(record);
    const sealed = seal(text);
    return findingOf(
      [
        { outcome: 'pass', line: `user ${actor}, version ${version}, host ${host}, ${record.utc}` },
        commit
          ? { outcome: 'pass', line: `commit ${commit}` }
          : { outcome: 'warn', line: 'commit unknown: set preflight.commit or configure a deploy target that knows it' },
        { outcome: 'pass', line: `record ${text}` },
        { outcome: 'pass', line: `HMAC-SHA-256 ${sealed}` },
      ],
      `${actor} · ${version}${commit ? ` @ ${commit.slice(0, 12)}` : ''} · sealed`,
      { commit: commit ?? null, seal: sealed },
    );
  },
};
