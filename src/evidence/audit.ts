import type { Sql } from '../store/db.ts';
import { canonicalJson } from './canonical-json.ts';
import { sealText, type EvidenceKey } from './key.ts';

export const EVIDENCE_WRITTEN = 'evidence.written';
export const EVIDENCE_PRUNED = 'evidence.pruned';

// Any constant works; every replica must use the same one.
const AUDIT_LOCK = 7_420_002;
/** What the first row ever written chains to. */
const GENESIS = '0'.repeat(64);
const PAGE = 1000;

/** The one problem reported when the key opens no seal at all: almost always the wrong EVIDENCE_HMAC_KEY. */
export const NO_ROW_SEALED = 'no row matches its seal: this is not the key that sealed the log, or every row was changed';

export interface AuditEntry {
  at: Date;
  actor: string;
  action: string;
  version?: string;
  details: Record<string, unknown>;
}

/** One broken row; reads as `row ${row}: ${message}`. */
export interface AuditProblem {
  row: number;
  message: string;
}

/** What an `evidence.pruned` row records about the rows it removed. */
export type PrunedDetails = {
  before: string;
  retentionDays: number;
  files: number;
  paths: string[];
  auditRows: number;
  /** The last removed audit row: the first row kept must chain to its hmac. */
  through: { id: number; hmac: string } | null;
};

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  version: string | null;
  body: string;
  prev_hmac: string;
  hmac: string;
}

// timestamptz keeps microseconds and a JS Date only milliseconds. The seal covers `at` as text with
// microseconds, read the same way from SQL, so moving a row by one microsecond still breaks it.
const AT_TEXT = `to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const atText = (at: Date) => at.toISOString().replace(/Z$/, '000Z');
const COLUMNS = `id, ${AT_TEXT} AS at, actor, action, version, body, prev_hmac, hmac`;

function sealOf(key: EvidenceKey, r: Omit<AuditRow, 'hmac'>): string {
  return sealText(key, JSON.stringify([r.id, r.at, r.actor, r.action, r.version, r.body, r.prev_hmac]));
}

const isSealed = (key: EvidenceKey, row: AuditRow) => sealOf(key, row) === row.hmac;

/** Serialises writers of the audit log across replicas until the caller's transaction ends. */
export async function lockAuditLog(tx: Sql): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
}

/** Seals entry onto the end of the chain, inside the caller's transaction. */
export async function appendAudit(tx: Sql, key: EvidenceKey, entry: AuditEntry): Promise<{ id: number; hmac: string }> {
  await lockAuditLog(tx);
  const [last] = await tx.query<{ hmac: string }>('SELECT hmac FROM audit_log ORDER BY id DESC LIMIT 1');
  const [next] = await tx.query<{ id: number }>(`SELECT nextval(pg_get_serial_sequence('audit_log', 'id')) AS id`);
  const row = {
    id: next!.id,
    at: atText(entry.at),
    actor: entry.actor,
    action: entry.action,
    version: entry.version ?? null,
    body: canonicalJson(entry.details),
    prev_hmac: last?.hmac ?? GENESIS,
  };
  const hmac = sealOf(key, row);
  await tx.query(
    'INSERT INTO audit_log (id, at, actor, action, version, body, prev_hmac, hmac) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
    [row.id, entry.at.toISOString(), row.actor, row.action, row.version, row.body, row.prev_hmac, hmac],
  );
  return { id: row.id, hmac };
}

async function* allRows(db: Sql): AsyncGenerator<AuditRow> {
  for (let after = 0; ; ) {
    const page = await db.query<AuditRow>(`SELECT ${COLUMNS} FROM audit_log WHERE id > $1 ORDER BY id LIMIT ${PAGE}`, [after]);
    yield* page;
    if (page.length < PAGE) return;
    after = page.at(-1)!.id;
  }
}

/**
 * Recomputes every row of the log and names each one that is broken. The chain is global, and the whole of it
 * is always checked and reported: a broken row's own `version` column cannot be trusted to say which release
 * it belonged to, and a removed row leaves nothing to say it.
 *
 * The oldest row kept must chain to the genesis value, or to the last row an intact `evidence.pruned` row says
 * it removed: removing the oldest rows by hand is detected.
 */
export async function verifyAuditChain(db: Sql, key: EvidenceKey): Promise<AuditProblem[]> {
  const problems: AuditProblem[] = [];
  const vouchedStarts = new Set<string>();
  let first: AuditRow | undefined;
  let previous: AuditRow | undefined;
  let sealedRows = 0;
  for await (const row of allRows(db)) {
    if (isSealed(key, row)) {
      sealedRows++;
      if (row.action === EVIDENCE_PRUNED) {
        const through = (JSON.parse(row.body) as PrunedDetails).through;
        if (through) vouchedStarts.add(through.hmac);
      }
    } else {
      problems.push({ row: row.id, message: 'content does not match its seal' });
    }
    if (previous && row.prev_hmac !== previous.hmac) {
      problems.push({ row: row.id, message: `does not follow row ${previous.id} (a row before it was removed or changed)` });
    }
    first ??= row;
    previous = row;
  }
  if (!first) return [];
  if (sealedRows === 0) return [{ row: first.id, message: NO_ROW_SEALED }];
  if (first.prev_hmac !== GENESIS && !vouchedStarts.has(first.prev_hmac)) {
    problems.unshift({ row: first.id, message: 'the chain starts here, but no evidence.pruned row vouches for the rows before it (the oldest rows were removed)' });
  }
  return problems;
}

/** The details of the rows of one action (and version) whose seal holds; broken rows are verifyAuditChain's to report. */
export async function sealedDetails<D>(db: Sql, key: EvidenceKey, action: string, version?: string): Promise<{ id: number; details: D }[]> {
  const rows = await db.query<AuditRow>(
    `SELECT ${COLUMNS} FROM audit_log WHERE action = $1 AND ($2::text IS NULL OR version = $2) ORDER BY id`,
    [action, version ?? null],
  );
  return rows.filter((row) => isSealed(key, row)).map((row) => ({ id: row.id, details: JSON.parse(row.body) as D }));
}
