import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The bot scope each Web API method needs (https://api.slack.com/methods); null: none.
const SCOPE_OF: Record<string, string | null> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'conversations.history': 'channels:history',
  'conversations.replies': 'channels:history',
  'conversations.create': 'channels:manage',
  'conversations.setTopic': 'channels:manage',
  'conversations.invite': 'channels:manage',
  'conversations.list': 'channels:read',
  'conversations.join': 'channels:join',
  'pins.add': 'pins:write',
  'views.publish': null,
  'views.open': null,
  'views.update': null,
  'auth.test': null,
  // the client's helper for files.getUploadURLExternal + files.completeUploadExternal
  filesUploadV2: 'files:write',
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('manifest.yml', () => {
  const manifest = parse(readFileSync('manifest.yml', 'utf8'));
  const code = sources('src').map((f) => readFileSync(f, 'utf8')).join('\n');

  it('declares the /spark command, interactivity, the App Home tab and the home event', () => {
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual(['/spark']);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_home_opened']);
    expect(typeof manifest.settings.socket_mode_enabled).toBe('boolean');
  });

  it('asks for exactly the bot scopes of the Web API methods the code calls', () => {
    const called = new Set([
      ...[...code.matchAll(/\bclient\.(\w+)\.(\w+)\(/g)].map(([, ns, m]) => `${ns}.${m}`),
      ...[...code.matchAll(/\bclient\.(filesUploadV2)\(/g)].map(([, m]) => m!),
    ]);
    const unknown = [...called].filter((m) => !(m in SCOPE_OF));
    expect(unknown, 'add these methods and their scopes to SCOPE_OF').toEqual([]);
    const needed = new Set(['commands', ...[...called].map((m) => SCOPE_OF[m]).filter((s): s is string => s !== null)]);
    expect(new Set(manifest.oauth_config.scopes.bot)).toEqual(needed);
  });
});
