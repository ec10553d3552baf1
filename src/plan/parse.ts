/**
 * The importer's entry: detects which kind of plan a text is and reads it. Throws a PlanError only
 * when nothing usable can be read (empty, binary, neither format); everything else a planner would
 * still want imported comes back as warnings beside the plan.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { textDocument, type PlanDocument } from './document';
import { PlanError, Warnings } from './errors';
import { looksLikeKompetensplan, readKompetensplan } from './kompetensplan';
import type { Plan } from './model';
import { planFromYaml } from './plan-yaml';
import { looksBinary, toLines } from './text';
import { looksLikeVerksamhetsplan, readVerksamhetsplan } from './verksamhetsplan';

export interface ParseResult {
  plan: Plan;
  warnings: PlanError[];
}

export function parsePlan(file: string, text: string): ParseResult {
  return parseDocument(textDocument(file, toLines(file, text)));
}

/** Reads a plan from its document structure, whatever format the document came from. */
export function parseDocument(doc: PlanDocument): ParseResult {
  const { file } = doc;
  const warnings = new Warnings(file);
  let plan: Plan;
  if (looksLikeKompetensplan(doc)) plan = readKompetensplan(doc, warnings);
  else if (looksLikeVerksamhetsplan(doc)) plan = readVerksamhetsplan(doc, warnings);
  else {
    throw new PlanError(
      { file },
      'neither a kompetensförsörjningsplan (no "Aktivitetsplan avdelning …" tables) nor a verksamhetsplan (no "Aktivitet/Indikator" tables)',
      'varken en kompetensförsörjningsplan (inga tabeller under "Aktivitetsplan avdelning …") eller en verksamhetsplan (inga tabeller "Aktivitet"/"Indikator")',
    );
  }
  return { plan, warnings: warnings.list };
}

/**
 * Reads a plan file from disk: a plan document, or a plan.yaml HR corrected by hand (which is
 * already normalised and has no warnings). Bytes that are not UTF-8 text are refused here, before
 * they become replacement characters.
 */
export async function readPlanFile(path: string): Promise<ParseResult> {
  const file = basename(path);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new PlanError({ file: path }, `cannot read the file (${reason})`, `kan inte läsa filen (${reason})`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PlanError({ file }, 'binary file or not UTF-8 text', 'binär fil eller inte UTF-8-text');
  }
  if (/\.ya?ml$/i.test(file)) {
    if (looksBinary(text)) throw new PlanError({ file }, 'binary file', 'binär fil');
    return { plan: planFromYaml(file, text), warnings: [] };
  }
  return parsePlan(file, text);
}
