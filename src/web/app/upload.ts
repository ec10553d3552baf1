/** Uploaded plan files: read exactly as the CLI reads a file (readPlanFile), kept briefly for the confirm step. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MultipartFile } from '@fastify/multipart';
import type { SqlExecutor } from '../../store';
import {
  columnMappingsText,
  FileColumnMappingStore,
  headerSignature,
  parseColumnMappings,
  readPlanFile,
  type ColumnMapping,
  type ColumnMappingStore,
  type ParseResult,
  type ReadOptions,
} from '../../plan';

/** A safe base name for the uploaded file: kept for messages ("fil, rad 236") and the .yaml check. */
export function uploadName(name: string | undefined): string {
  const base = (name ?? 'plan')
    .split(/[\\/]/)
    .pop()!
    .replace(/[^\p{L}\p{N}._ -]/gu, '_')
    .slice(0, 120);
  return base && !base.startsWith('.') ? base : 'plan';
}

export async function parseUpload(name: string, bytes: Buffer, options: ReadOptions = {}): Promise<ParseResult> {
  const dir = await mkdtemp(join(tmpdir(), 'planvakt-upload-'));
  try {
    const path = join(dir, name);
    await writeFile(path, bytes);
    return await readPlanFile(path, options);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function uploadedFile(body: unknown, field: string): MultipartFile | undefined {
  const f = (body as Record<string, unknown> | undefined)?.[field];
  return f && typeof f === 'object' && 'toBuffer' in f && (f as MultipartFile).filename
    ? (f as MultipartFile)
    : undefined;
}

export function fieldValue(body: unknown, field: string): string | undefined {
  const f = (body as Record<string, unknown> | undefined)?.[field];
  if (typeof f === 'string') return f;
  if (f && typeof f === 'object' && 'value' in f && typeof (f as { value: unknown }).value === 'string')
    return (f as { value: string }).value;
  return undefined;
}

/** Uploads waiting for confirmation: in memory, bound to the person, gone after 30 minutes. */
export class PendingStore<T> {
  private readonly items = new Map<string, { owner: string; expires: number; value: T }>();
  constructor(
    private readonly ttlMs = 30 * 60_000,
    private readonly max = 50,
  ) {}

  put(owner: string, value: T): string {
    this.sweep();
    while (this.items.size >= this.max) this.items.delete(this.items.keys().next().value!);
    const id = randomBytes(18).toString('base64url');
    this.items.set(id, { owner, expires: Date.now() + this.ttlMs, value });
    return id;
  }

  get(owner: string, id: string | undefined): T | undefined {
    this.sweep();
    const item = id ? this.items.get(id) : undefined;
    return item && item.owner === owner ? item.value : undefined;
  }

  delete(id: string) {
    this.items.delete(id);
  }

  private sweep() {
    const now = Date.now();
    for (const [id, item] of this.items) if (item.expires < now) this.items.delete(id);
  }
}

/**
 * The column mappings HR has given in Importera, for tables whose headings the importer does not
 * know: in the shared store when there is one (production: every web replica), else
 * `<dataDir>/kolumner.json`.
 */
export function columnMappingStore(dataDir: string, sql?: SqlExecutor): ColumnMappingStore {
  return sql ? new SqlColumnMappingStore(sql) : new FileColumnMappingStore(join(dataDir, 'kolumner.json'));
}

/**
 * One row per table shape (its header signature is the key): saving a shape again replaces its
 * mapping in one UPSERT, so two HR users mapping at once both keep theirs.
 */
export class SqlColumnMappingStore implements ColumnMappingStore {
  constructor(private readonly sql: SqlExecutor) {}

  async list(): Promise<ColumnMapping[]> {
    const { rows } = await this.sql.query<{ mapping: ColumnMapping | string }>(
      'SELECT mapping FROM column_mappings ORDER BY saved_at, signature',
    );
    const mappings = rows.map((r) =>
      typeof r.mapping === 'string' ? (JSON.parse(r.mapping) as ColumnMapping) : r.mapping,
    );
    // Checked as the file is: a row that is not a valid mapping is named, not used.
    return parseColumnMappings('column_mappings (PostgreSQL)', columnMappingsText(mappings));
  }

  async save(mapping: ColumnMapping): Promise<void> {
    await this.sql.query(
      `INSERT INTO column_mappings (signature, mapping, saved_at) VALUES ($1, $2, $3)
       ON CONFLICT (signature) DO UPDATE SET mapping = EXCLUDED.mapping, saved_at = EXCLUDED.saved_at`,
      [headerSignature(mapping.headings), JSON.stringify(mapping), new Date().toISOString()],
    );
  }
}
