import { WebAPIPlatformError, WebAPIRateLimitedError } from '@slack/web-api';
import { RateLimitedError, RefusedError } from '../engine/delivery.ts';

// Slack errors that trying again will not mend (https://api.slack.com/methods/chat.postMessage#errors, and the
// errors of conversations.create, .setTopic, .invite and pins.add).
export const PERMANENT = new Set([
  'channel_not_found', 'not_in_channel', 'is_archived', 'invalid_blocks', 'invalid_blocks_format', 'msg_too_long',
  'no_text', 'invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'missing_scope', 'message_not_found',
  'cant_update_message', 'edit_window_closed', 'user_not_in_channel', 'invalid_arguments', 'restricted_action',
  'invalid_name', 'invalid_name_maxlength', 'invalid_name_punctuation', 'invalid_name_required', 'invalid_name_specials',
  'no_channel', 'cannot_create_channel', 'too_long', 'not_pinnable', 'method_not_supported_for_channel_type',
  'no_permission', 'ekm_access_denied', 'is_bot', 'user_is_restricted', 'user_is_ultra_restricted',
]);

/** The metadata event type that marks a message the outbox posted. */
export const MARKER_EVENT = 'spark_outbox';

/** Slack's error code, when Slack answered with one. */
export const slackError = (err: unknown): string | undefined => (err instanceof WebAPIPlatformError ? err.data.error : undefined);

/**
 * Turns Slack's errors into the outbox's: later (429), never (a permanent refusal), or try again.
 * `scope` is the one the method needs, named when Slack answers missing_scope without saying.
 */
export function translated(err: unknown, scope?: string): unknown {
  if (err instanceof WebAPIRateLimitedError) return new RateLimitedError(err.retryAfter * 1000, `Slack rate limit; retry after ${err.retryAfter} s`);
  if (err instanceof WebAPIPlatformError && PERMANENT.has(err.data.error)) {
    const said = (err.data as { needed?: unknown }).needed;
    const needed = err.data.error === 'missing_scope' ? (typeof said === 'string' ? said : scope) : undefined;
    return new RefusedError(
      needed ? `Slack refused: missing_scope: the app needs the ${needed} scope (add it to manifest.yml and reinstall the app)` : `Slack refused: ${err.data.error}`,
    );
  }
  return err;
}

export const call = <T>(p: Promise<T>, scope?: string): Promise<T> => p.catch((err: unknown) => Promise.reject(translated(err, scope)));
