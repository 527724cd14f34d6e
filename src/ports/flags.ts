/** The platform's feature flags as they are now (RITUAL §2 check 7). */

export interface FlagSource {
  flags(): Promise<Record<string, boolean | string>>;
}
