/** Where Importera keeps HR's column mappings: one file in the data folder, one mapping per table shape. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileColumnMappingStore, readColumnMappings } from '../../../src/plan';

const store = () => new FileColumnMappingStore(join(mkdtempSync(join(tmpdir(), 'planvakt-store-')), 'kolumner.json'));

describe('FileColumnMappingStore', () => {
  it('has no mappings before HR gives one', async () => {
    expect(await store().list()).toEqual([]);
  });

  it('keeps one mapping per table shape: the same headings in other case replace the earlier one', async () => {
    const s = store();
    await s.save({ headings: ['Vad', 'Vem'], roles: ['aktivitet', 'ansvarig'] });
    await s.save({ headings: ['Insatsen', 'Klar'], roles: ['aktivitet', 'maldatum'] });
    await s.save({ headings: ['VAD', 'vem'], roles: ['aktivitet', 'uppfoljning'] });
    expect(await s.list()).toEqual([
      { headings: ['Insatsen', 'Klar'], roles: ['aktivitet', 'maldatum'] },
      { headings: ['VAD', 'vem'], roles: ['aktivitet', 'uppfoljning'] },
    ]);
  });

  it('loses none of two mappings saved at once', async () => {
    const s = store();
    await Promise.all([
      s.save({ headings: ['A', 'B'], roles: ['aktivitet', 'ansvarig'] }),
      s.save({ headings: ['C', 'D'], roles: ['aktivitet', 'maldatum'] }),
    ]);
    expect((await s.list()).map((m) => m.headings)).toEqual([
      ['A', 'B'],
      ['C', 'D'],
    ]);
  });

  it('writes the same file format planvakt import --kolumner reads', async () => {
    const s = store();
    await s.save({ headings: ['Nr', 'Vad'], roles: ['ovrigt', 'aktivitet'] });
    expect(JSON.parse(readFileSync(s.path, 'utf8'))).toEqual({
      tabeller: [{ rubriker: ['Nr', 'Vad'], kolumner: ['ovrigt', 'aktivitet'] }],
    });
    expect(await readColumnMappings(s.path)).toEqual([{ headings: ['Nr', 'Vad'], roles: ['ovrigt', 'aktivitet'] }]);
  });
});
