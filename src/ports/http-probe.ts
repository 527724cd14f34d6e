/** An HTTP probe of the platform URL (RITUAL §2 check 5: CSP, COEP, COOP, HSTS). */

export interface ProbeResponse {
  status: number;
  /** header names lower-cased */
  headers: Record<string, string>;
}

export interface HttpProbe {
  headers(url: string): Promise<ProbeResponse>;
}
