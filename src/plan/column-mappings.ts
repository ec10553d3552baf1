/**
 * HR's column mappings as a file: what `planvakt import --kolumner FILE` reads and what Importera
 * saves (in the data folder) when HR has said once which column is what. YAML or JSON:
 *
 *   tabeller:
 *     - rubriker: [Nr, Vad, Vem, Färdigt, Avstämning]
 *       kolumner: [används inte, aktivitet, ansvarig, måldatum, uppföljning]
 *
 * A mapping applies to every table with those headings (case, accents and punctuation aside).
 * The store is an interface so that shared state can move to a database (issue 20).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { z } from 'zod';
import { parseYaml } from '../config';
import { COLUMN_ROLE_IDS, COLUMN_ROLES, headerSignature, type ColumnMapping, type ColumnRole } from './columns';
import { PlanError } from './errors';
import { fold } from './text';

/** A role as HR may write it: the id, the label, with or without å/ä/ö ("måldatum", "Används inte"). */
const ROLE_WORDS: Record<string, ColumnRole> = {
  ...Object.fromEntries(COLUMN_ROLE_IDS.map((r) => [r, r])),
  ...Object.fromEntries(COLUMN_ROLE_IDS.map((r) => [wordKey(COLUMN_ROLES[r]), r])),
  'anvands inte': 'ovrigt',
  ignorera: 'ovrigt',
  avsnitt: 'avsnitt',
};

function wordKey(text: string): string {
  return fold(text)
    .replace(/\(.*\)/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export function roleFromWord(word: string): ColumnRole | undefined {
  return ROLE_WORDS[wordKey(word)] ?? ROLE_WORDS[wordKey(word).replace(/ /g, '')];
}

const roleSchema = z.string().transform((word, ctx) => {
  const role = roleFromWord(word);
  if (!role) {
    ctx.addIssue({
      code: 'custom',
      message: `"${word}" is no column; choose one of ${COLUMN_ROLE_IDS.join(', ')}`,
      params: { sv: `"${word}" är ingen kolumn; välj en av ${COLUMN_ROLE_IDS.join(', ')}` },
    });
    return z.NEVER;
  }
  return role;
});

export const columnMappingFileSchema = z
  .object({
    tabeller: z.array(
      z
        .object({
          rubriker: z.array(z.string()).min(1),
          kolumner: z.array(roleSchema).min(1),
        })
        .strict()
        .superRefine((t, ctx) => {
          if (t.rubriker.length !== t.kolumner.length) {
            ctx.addIssue({
              code: 'custom',
              path: ['kolumner'],
              message: `${t.rubriker.length} headings (rubriker) but ${t.kolumner.length} columns (kolumner): name one column per heading`,
              params: {
                sv: `${t.rubriker.length} rubriker men ${t.kolumner.length} kolumner: ange en kolumn per rubrik`,
              },
            });
          }
          if (!t.kolumner.includes('aktivitet')) {
            ctx.addIssue({
              code: 'custom',
              path: ['kolumner'],
              message: 'no column is the activity (aktivitet)',
              params: { sv: 'ingen kolumn är aktiviteten (aktivitet)' },
            });
          }
        }),
    ),
  })
  .strict();

/** Reads a mapping file's text; every problem names the file, the line and the field. */
export function parseColumnMappings(file: string, text: string): ColumnMapping[] {
  const data = parseYaml(file, text, columnMappingFileSchema);
  return data.tabeller.map((t) => ({ headings: t.rubriker, roles: t.kolumner }));
}

export async function readColumnMappings(path: string): Promise<ColumnMapping[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new PlanError({ file: path }, `cannot read the file (${reason})`, `kan inte läsa filen (${reason})`);
  }
  return parseColumnMappings(basename(path), text);
}

/** The file's text for mappings: what the store writes and the CLI reads. */
export function columnMappingsText(mappings: readonly ColumnMapping[]): string {
  return `${JSON.stringify({ tabeller: mappings.map((m) => ({ rubriker: m.headings, kolumner: m.roles })) }, null, 2)}\n`;
}

/** Where the mappings HR has given are kept. */
export interface ColumnMappingStore {
  list(): Promise<ColumnMapping[]>;
  /** Keeps the mapping, replacing one for the same table shape. */
  save(mapping: ColumnMapping): Promise<void>;
}

/** The mappings in one JSON file in the data folder (`kolumner.json`), written whole and renamed into place. */
export class FileColumnMappingStore implements ColumnMappingStore {
  private queue: Promise<unknown> = Promise.resolve();
  constructor(readonly path: string) {}

  async list(): Promise<ColumnMapping[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    return parseColumnMappings(basename(this.path), text);
  }

  save(mapping: ColumnMapping): Promise<void> {
    // One write at a time: two HR users mapping at once must not lose one of the mappings.
    const next = this.queue.then(async () => {
      const signature = headerSignature(mapping.headings);
      const kept = (await this.list()).filter((m) => headerSignature(m.headings) !== signature);
      await mkdir(dirname(this.path), { recursive: true });
      const tmp = `${this.path}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(tmp, columnMappingsText([...kept, mapping]), 'utf8');
      await rename(tmp, this.path);
    });
    this.queue = next.catch(() => undefined);
    return next;
  }
}
