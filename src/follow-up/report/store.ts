/**
 * Where the follow-up reports are kept once a cycle closes: the data folder (embedded: the worker
 * and the web app are one process) or the shared store (production: whichever worker closed the
 * cycle, every web replica serves the report). A retried close writes the same cycle's report
 * again, whole (one UPSERT by cycle id, or a file renamed into place).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SqlExecutor } from '../../store';

export type ReportFormat = 'html' | 'xlsx';

export interface StoredReport {
  cycleId: string;
  department: string;
  html: string;
  xlsx: Buffer;
}

export interface ReportStore {
  /** Keeps the report; returns where each format is (the cycle's result names them). */
  put(report: StoredReport): Promise<Record<ReportFormat, string>>;
  /** The report's bytes, or undefined when the cycle has none here. */
  get(cycleId: string, format: ReportFormat): Promise<Buffer | undefined>;
}

export class FileReportStore implements ReportStore {
  constructor(readonly dir: string) {}

  async put(report: StoredReport): Promise<Record<ReportFormat, string>> {
    await mkdir(this.dir, { recursive: true });
    const html = join(this.dir, `${report.cycleId}.html`);
    const xlsx = join(this.dir, `${report.cycleId}.xlsx`);
    await atomicWrite(html, report.html);
    await atomicWrite(xlsx, report.xlsx);
    return { html, xlsx };
  }

  async get(cycleId: string, format: ReportFormat): Promise<Buffer | undefined> {
    return readFile(join(this.dir, `${cycleId}.${format}`)).catch((e: NodeJS.ErrnoException) =>
      e.code === 'ENOENT' ? undefined : Promise.reject(e),
    );
  }
}

export class SqlReportStore implements ReportStore {
  constructor(private readonly sql: SqlExecutor) {}

  async put(report: StoredReport): Promise<Record<ReportFormat, string>> {
    await this.sql.query(
      `INSERT INTO follow_up_reports (cycle_id, department, html, xlsx, written_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (cycle_id) DO UPDATE SET department = EXCLUDED.department, html = EXCLUDED.html,
         xlsx = EXCLUDED.xlsx, written_at = EXCLUDED.written_at`,
      [report.cycleId, report.department, report.html, report.xlsx, new Date().toISOString()],
    );
    // Not files: names that say where the report is, for the cycle's result and the logs.
    return {
      html: `planvakt-store:follow_up_reports/${report.cycleId}.html`,
      xlsx: `planvakt-store:follow_up_reports/${report.cycleId}.xlsx`,
    };
  }

  async get(cycleId: string, format: ReportFormat): Promise<Buffer | undefined> {
    const { rows } = await this.sql.query<{ html: string; xlsx: Uint8Array }>(
      `SELECT ${format === 'html' ? 'html' : 'xlsx'} FROM follow_up_reports WHERE cycle_id = $1`,
      [cycleId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return format === 'html' ? Buffer.from(row.html, 'utf8') : Buffer.from(row.xlsx);
  }
}

async function atomicWrite(path: string, data: string | Buffer) {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}
