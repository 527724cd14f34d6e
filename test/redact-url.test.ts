import { describe, expect, it } from 'vitest';
import { redactUrl } from '../src/adapters/redact-url.ts';

describe('a connection string in a message never shows its password', () => {
  it('masks the password of a URL and keeps the rest', () => {
    expect(redactUrl('postgres://spark_ro:hunter2@db.internal:5432/spark?sslmode=require')).toBe(
      'postgres://spark_ro:***@db.internal:5432/spark?sslmode=require',
    );
    expect(redactUrl('postgresql://admin:p%40ss%2Fw0rd@10.0.0.7:6432/pgbouncer')).toBe('postgresql://admin:***@10.0.0.7:6432/pgbouncer');
  });

  it('masks a password given as a query parameter', () => {
    const out = redactUrl('postgres://spark@db.internal/spark?password=hunter2&sslmode=require');
    expect(out).not.toContain('hunter2');
    expect(out).toContain('password=***');
    expect(out).toContain('sslmode=require');
  });

  it("masks the password of libpq's key=value form", () => {
    expect(redactUrl('host=db.internal user=spark password=hunter2 dbname=spark')).toBe('host=db.internal user=spark password=*** dbname=spark');
    expect(redactUrl("host=db.internal password='hunter 2' dbname=spark")).toBe('host=db.internal password=*** dbname=spark');
  });

  it('leaves a connection string without a password as it was', () => {
    for (const url of ['postgres://postgres@127.0.0.1:5432/test', 'postgres:///spark?host=/var/run/postgresql', 'host=db.internal user=spark dbname=spark']) {
      expect(redactUrl(url)).toBe(url);
    }
  });
});
