/** A reference clock (RITUAL §2 check 2). */

export interface TimeSource {
  /** (S)NTP offset: server time minus the bot's clock, in ms; positive means the bot is behind. */
  offsetMs(): Promise<number>;
}
