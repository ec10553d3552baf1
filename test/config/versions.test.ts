import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceErrors } from '../../src/config/source-error';
import { ConfigStore } from '../../src/config/versions';
import { parseOrganisation } from '../../src/organisation/load';
import { parseRules } from '../../src/rules/load';

const store = () =>
  new ConfigStore(mkdtempSync(join(tmpdir(), 'config-')), { rules: parseRules, organisation: parseOrganisation });
const at = (iso: string) => ({ author: 'hr@example.se', at: new Date(iso) });

describe('ConfigStore', () => {
  it('keeps each change as a new version with time, author and hash', async () => {
    const s = store();
    const v1 = await s.save('rules', 'delivery:\n  sendTime: "08:00"\n', at('2022-03-01T09:00:00Z'));
    const v2 = await s.save('rules', 'delivery:\n  sendTime: "09:00"\n', {
      author: 'lena@example.se',
      at: new Date('2022-03-02T09:00:00Z'),
    });
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect(v2).toMatchObject({ author: 'lena@example.se', savedAt: '2022-03-02T09:00:00.000Z' });
    expect(v2.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await s.read('rules', 1)).toContain('08:00');
    expect((await s.latest('rules'))?.version).toBe(2);
  });

  it('does not store the same text twice in a row', async () => {
    const s = store();
    await s.save('rules', 'quietDays: []\n', at('2022-03-01T09:00:00Z'));
    const again = await s.save('rules', 'quietDays: []\n', at('2022-03-05T09:00:00Z'));
    expect(again.version).toBe(1);
    expect(await s.list('rules')).toHaveLength(1);
  });

  it('refuses an invalid file and keeps the previous version', async () => {
    const s = store();
    await s.save('organisation', readFileSync('config/organisation.yaml', 'utf8'), at('2022-03-01T09:00:00Z'));
    await expect(s.save('organisation', 'forvaltning: 1\n', at('2022-03-02T09:00:00Z'))).rejects.toBeInstanceOf(
      SourceErrors,
    );
    expect((await s.list('organisation')).map((v) => v.version)).toEqual([1]);
  });

  it('gives concurrent saves distinct versions', async () => {
    const s = store();
    const saved = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        s.save('rules', `overdue:\n  repeatEveryWorkingDays: ${n}\n`, at('2022-03-01T09:00:00Z')),
      ),
    );
    expect(saved.map((v) => v.version).sort()).toEqual([1, 2, 3, 4]);
  });
});
