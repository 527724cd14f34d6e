/**
 * The ritual up to a GO, played by its people through Slack: the IC's preflight, the red team with the Red Team
 * Lead ticking items 1–10, a rollback drill, and the GO / NO-GO where one approver first says NO-GO in the form
 * (with a reason), then every approver votes GO, the IC ticks the team ready and confirms.
 */
import { expect } from 'vitest';
import type { FakeSlack } from '../../fakes/slack-web-api.ts';
import { DEPLOYS } from './config.ts';
import { buttonsOf, until, type SlackUsers } from './slack-user.ts';

export const IC = 'U0SPARKIC';
export const ONCALL = 'U0ONCALL';
export const APPROVERS: Record<string, string> = { devopsLead: 'U0DEVOPS', cto: 'U0CTO', productOwner: 'U0PRODUCT', securityTeam: 'U0SECURITY', redTeamLead: 'U0REDTEAM' };

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export async function ritualToGo(slack: FakeSlack, u: SlackUsers, version: string): Promise<void> {
  const v = esc(version);
  await u.command(IC, DEPLOYS, `preflight ${version}`);
  const preflight = await u.waitForCard(DEPLOYS, new RegExp(`^Preflight ${v}: ready \\(10 pass`), undefined, 30_000);
  await until('the preflight evidence in its thread', () => u.thread(DEPLOYS, preflight).some((m) => m.text?.startsWith(`Evidence for preflight ${version}`)));

  await u.command(IC, DEPLOYS, `redteam ${version}`);
  const redteam = await u.waitForCard(DEPLOYS, new RegExp(`^Red team ${v}: `), /redteam\.pass/);
  const items = buttonsOf(redteam).filter((b) => b.action_id === 'redteam.pass').map((b) => b.value.split(':')[1]!);
  expect(items).toHaveLength(10);
  for (const item of items) await u.click(APPROVERS.redTeamLead!, redteam, 'redteam.pass', item);
  await until('the red team summary sealed', () => u.thread(DEPLOYS, redteam).some((m) => m.text?.startsWith(`Red team ${version} `) && m.text.includes('Summary sealed')));
  expect(buttonsOf(u.card(DEPLOYS, new RegExp(`^Red team ${v}: `))!)).toEqual([]);

  // Each step once the bot has answered the one before, as people in the channel do: a GO / NO-GO opened while
  // the drill's evidence is still being sealed can find that evidence inconsistent and fail its first item.
  await u.command(IC, DEPLOYS, `drill ${version} staging: rolled back in 4m`);
  await until('the drill recorded', () => slack.messages(DEPLOYS).some((m) => m.text?.startsWith(`🧯 Rollback drill of ${version} recorded`)));
  await u.command(IC, DEPLOYS, `gonogo ${version}`);
  const gonogo = await u.waitForCard(DEPLOYS, new RegExp(`^GO / NO-GO ${v}: open \\(items 9/10\\)`));
  await u.click(IC, gonogo, 'gonogo.tick', 'team_ready');

  // A NO-GO needs a reason: the button opens the form, the reason shows on the card, a GO replaces it.
  const formsBefore = slack.callsTo('views.open').length;
  await u.click(APPROVERS.securityTeam!, gonogo, 'gonogo.nogo', 'securityTeam');
  const form = await until('the NO-GO form', () => slack.callsTo('views.open')[formsBefore]);
  await u.submit(APPROVERS.securityTeam!, form, 'HSTS preload list not confirmed yet');
  await u.waitForCard(DEPLOYS, new RegExp(`^GO / NO-GO ${v}`), /NO-GO — [^"]*HSTS preload list not confirmed yet/);

  for (const [role, user] of Object.entries(APPROVERS)) await u.click(user, gonogo, 'gonogo.go', role);
  await u.waitForCard(DEPLOYS, new RegExp(`^GO / NO-GO ${v}`), /Ready\*: every item and every approver says GO/);
  await u.click(IC, gonogo, 'gonogo.confirm', 'confirm');
  await until(`the GO for ${version}`, () => u.thread(DEPLOYS, gonogo).some((m) => m.text?.startsWith(`✅ GO for ${version}`)));
}
