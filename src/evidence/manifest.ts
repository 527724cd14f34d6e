export const MANIFEST = 'MANIFEST.sha256';

const LINE = /^([0-9a-f]{64}) {2}(.+)$/;

/** sha256sum's format, sorted by name: `sha256sum -c MANIFEST.sha256` works from the version's folder. */
export function formatManifest(files: { name: string; sha256: string }[]): string {
  return [...files]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => `${f.sha256}  ${f.name}\n`)
    .join('');
}

export interface ParsedManifest {
  /** file name → sha256 */
  entries: Map<string, string>;
  /** 1-based numbers of lines that are not `sha256  name` */
  malformed: number[];
}

export function parseManifest(text: string): ParsedManifest {
  const parsed: ParsedManifest = { entries: new Map(), malformed: [] };
  text.split('\n').forEach((line, i) => {
    if (!line) return;
    const m = LINE.exec(line);
    if (m) parsed.entries.set(m[2]!, m[1]!);
    else parsed.malformed.push(i + 1);
  });
  return parsed;
}
