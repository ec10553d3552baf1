/** Uploaded plan files: read exactly as the CLI reads a file (readPlanFile), kept briefly for the confirm step. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MultipartFile } from '@fastify/multipart';
import {
  FileColumnMappingStore,
  readPlanFile,
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
 * know: a file in the data folder for now (issue 20 moves shared state to PostgreSQL).
 */
export function columnMappingStore(dataDir: string): ColumnMappingStore {
  return new FileColumnMappingStore(join(dataDir, 'kolumner.json'));
}
