/** `planvakt import FILE --json | …` gets all of its output, however slowly the reader reads. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/planvakt.mjs', import.meta.url));

describe('planvakt import --json into a pipe', () => {
  it('writes all of a JSON answer far larger than the 64 KiB a pipe holds before exiting', () => {
    const dir = mkdtempSync(join(tmpdir(), 'planvakt-pipe-'));
    const file = join(dir, 'manga-varningar.md');
    const rows = Array.from(
      { length: 400 },
      (_, i) =>
        `| Mål ${i} | Aktivitet nummer ${i} med en lång text som gör svaret stort, rad ${i} | 2022-12-31 | ${i % 2 ? 'Enhetschef' : 'någon'} | Uppföljning per tertial |`,
    );
    writeFileSync(
      file,
      [
        'Aktivitetsplan avdelningen förskola',
        '',
        '| Vad ska vi uppnå? | Aktivitet | Måldatum | Ansvarig | Uppföljning/kommentar |',
        '|---|---|---|---|---|',
        ...rows,
        '',
      ].join('\n'),
    );
    // The reader starts late, so the pipe is full when the command is done.
    const out = execFileSync('sh', ['-c', `"${process.execPath}" "${BIN}" import "${file}" --json | (sleep 1; cat)`], {
      maxBuffer: 64 << 20,
    }).toString();
    expect(out.length).toBeGreaterThan(65_536);
    const json = JSON.parse(out);
    expect(json.activities).toBe(400);
    expect(json.warnings).toHaveLength(200);
  }, 30_000);
});
