/**
 * The importer's entry: detects which kind of plan a text is and reads it. Throws a PlanError only
 * when nothing usable can be read (empty, binary, neither format); everything else a planner would
 * still want imported comes back as warnings beside the plan.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { textDocument, type PlanDocument } from './document';
import { SourceErrors } from '../config';
import { PlanError, Warnings } from './errors';
import { looksLikeKompetensplan, readKompetensplan } from './kompetensplan';
import { placedActivities, type Plan } from './model';
import JSZip from 'jszip';
import { looksLikeCsv, readCsv } from './csv';
import { readDocx } from './docx';
import { readPdf } from './pdf';
import { readXlsx } from './xlsx';
import { planFromYaml } from './plan-yaml';
import { looksBinary, toLines } from './text';
import { looksLikeVerksamhetsplan, readVerksamhetsplan } from './verksamhetsplan';
import type { ColumnMapping } from './columns';
import {
  hasKnownColumns,
  hasMappedTable,
  readHandlingsplan,
  UnknownColumnsError,
  unknownTables,
  type UnknownTable,
} from './handlingsplan';

export interface ParseResult {
  plan: Plan;
  warnings: PlanError[];
  /**
   * Tables of a plan in another layout that were skipped because no one can tell their columns
   * (each also a warning): Importera offers to map them.
   */
  unmapped?: UnknownTable[];
}

/** What HR has said about table shapes the headings do not explain (`--kolumner`, Importera). */
export interface ReadOptions {
  columns?: readonly ColumnMapping[];
}

export function parsePlan(file: string, text: string, options: ReadOptions = {}): ParseResult {
  return parseDocument(textDocument(file, toLines(file, text)), options);
}

/** The seed kompetensförsörjningsplan's own column heading, which no other layout uses. */
function hasSeedKompetensHeader(doc: PlanDocument): boolean {
  return doc.blocks.some(
    (b) => b.kind === 'table' && [b.header, ...b.rows].some((r) => r?.cells.some((c) => /vad ska vi uppnå/i.test(c))),
  );
}

/**
 * Reads a plan from its document structure, whatever format the document came from: the two seed
 * layouts by their own readers; any other plan whose tables' columns are known by their headings
 * or by HR's mapping by the layout reader; tables no one can tell stop with UnknownColumnsError.
 */
export function parseDocument(doc: PlanDocument, options: ReadOptions = {}): ParseResult {
  const { file } = doc;
  const warnings = new Warnings(file);
  const mappings = options.columns;
  let plan: Plan;
  let unmapped: UnknownTable[] = [];
  const mapped = hasMappedTable(doc, mappings);
  if (!mapped && looksLikeVerksamhetsplan(doc)) plan = readVerksamhetsplan(doc, warnings);
  else if (!mapped && hasSeedKompetensHeader(doc)) plan = readKompetensplan(doc, warnings);
  else if (hasKnownColumns(doc, mappings)) {
    plan = readHandlingsplan(doc, warnings, mappings);
    unmapped = unknownTables(doc, mappings);
  } else if (unknownTables(doc, mappings).length > 0) throw new UnknownColumnsError(file, unknownTables(doc, mappings));
  else if (looksLikeKompetensplan(doc)) plan = readKompetensplan(doc, warnings);
  else {
    throw new PlanError(
      { file },
      'neither a kompetensförsörjningsplan (no "Aktivitetsplan avdelning …" tables) nor a verksamhetsplan (no "Aktivitet/Indikator" tables)',
      'varken en kompetensförsörjningsplan (inga tabeller under "Aktivitetsplan avdelning …") eller en verksamhetsplan (inga tabeller "Aktivitet"/"Indikator")',
    );
  }
  for (const n of doc.notes ?? []) warnings.add(n.at, n.field, n.detail, n.detailSv);
  return unmapped.length > 0 ? { plan, warnings: warnings.list, unmapped } : { plan, warnings: warnings.list };
}

/** What a file is, by its first bytes (and for a zip, its content types), never by its name alone. */
export type FileFormat = 'docx' | 'xlsx' | 'pdf' | 'zip' | 'ole' | 'text';

export async function detectFormat(bytes: Uint8Array): Promise<FileFormat> {
  const head = Buffer.from(bytes.subarray(0, 8));
  if (head.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) {
    try {
      const zip = await JSZip.loadAsync(bytes);
      const types = (await zip.file('[Content_Types].xml')?.async('string')) ?? '';
      if (/wordprocessingml\.document\.main|word\/document\.xml/.test(types) || zip.file('word/document.xml'))
        return 'docx';
      if (/spreadsheetml\.sheet\.main|xl\/workbook\.xml/.test(types) || zip.file('xl/workbook.xml')) return 'xlsx';
    } catch {
      // A broken zip is still not text.
    }
    return 'zip';
  }
  if (head.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (head.equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) return 'ole';
  return 'text';
}

/**
 * Reads a plan file from disk: a plan document (Word, Excel, or a text rendering), or a plan.yaml
 * HR corrected by hand (which is already normalised and has no warnings).
 */
export async function readPlanFile(path: string, options: ReadOptions = {}): Promise<ParseResult> {
  const file = basename(path);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new PlanError({ file: path }, `cannot read the file (${reason})`, `kan inte läsa filen (${reason})`);
  }
  return readPlanBytes(file, bytes, options);
}

/** The front door for every format: detected by content, read into the document layer, then the plan. */
export async function readPlanBytes(file: string, bytes: Uint8Array, options: ReadOptions = {}): Promise<ParseResult> {
  const format = await detectFormat(bytes);
  switch (format) {
    case 'docx':
      return checked(parseDocument(await readDocx(file, bytes), options));
    case 'xlsx':
      return checked(parseDocument(await readXlsx(file, bytes), options));
    case 'pdf':
      return checked(parseDocument(await readPdf(file, bytes), options));
    case 'zip':
      throw new PlanError(
        { file },
        'a zip file that is neither a Word (.docx) nor an Excel (.xlsx) document',
        'en zip-fil som varken är ett Word-dokument (.docx) eller en Excel-fil (.xlsx)',
      );
    case 'ole':
      throw new PlanError(
        { file },
        'an old Word/Excel file (.doc/.xls): save it as .docx or .xlsx and import that',
        'en gammal Word-/Excel-fil (.doc/.xls): spara den som .docx eller .xlsx och importera den',
      );
    case 'text':
      break;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PlanError(
      { file },
      'neither Word (.docx), Excel (.xlsx), PDF nor UTF-8 text',
      'varken Word (.docx), Excel (.xlsx), PDF eller UTF-8-text',
    );
  }
  if (/\.ya?ml$/i.test(file)) {
    if (looksBinary(text)) throw new PlanError({ file }, 'binary file', 'binär fil');
    return { plan: planFromYaml(file, text), warnings: [] };
  }
  if (looksLikeCsv(file, text) && !looksBinary(text)) return checked(parseDocument(readCsv(file, text), options));
  return checked(parsePlan(file, text, options));
}

/** A plan with nothing to follow up is an error, not an import (a text export that lost its tables). */
function checked(result: ParseResult): ParseResult {
  const { plan } = result;
  const activities = placedActivities(plan).length;
  const indicators = plan.departments.reduce(
    (n, d) => n + d.sections.reduce((m, s) => m + s.goals.reduce((k, g) => k + g.indicators.length, 0), 0),
    0,
  );
  if (activities + indicators === 0) {
    throw new PlanError(
      { file: plan.file },
      'no activities found: the file has no activity tables the importer recognises (a text export of a Word or PDF file loses its tables; import the .docx, .pdf or .xlsx itself)',
      'inga aktiviteter hittades: filen har inga aktivitetstabeller som importen känner igen (en textexport av en Word- eller PDF-fil tappar tabellerna; importera .docx-, .pdf- eller .xlsx-filen direkt)',
    );
  }
  if (result.warnings.length > activities + indicators) {
    const n = result.warnings.length;
    const m = activities + indicators;
    throw new SourceErrors([
      new PlanError(
        { file: plan.file },
        `more warnings (${n}) than activities and indicators (${m}): the file is most likely read wrongly (a text export of a Word or PDF file loses its tables); import the .docx, .pdf or .xlsx itself, or correct the rows the first warnings name`,
        `fler varningar (${n}) än aktiviteter och indikatorer (${m}): filen läses troligen fel (en textexport av en Word- eller PDF-fil tappar tabellerna); importera .docx-, .pdf- eller .xlsx-filen direkt, eller rätta raderna som de första varningarna nämner`,
      ),
      ...result.warnings.slice(0, 10),
    ]);
  }
  return result;
}
