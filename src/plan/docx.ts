/**
 * A Word document (.docx) read into the document layer from its own XML: the body's paragraphs
 * and tables in order, each table's rows and cells, the paragraphs inside a cell joined by "\n".
 * No text export in between, so a cell keeps its paragraphs and a table keeps its rows whatever
 * Word's text export would have made of them.
 */
import { DOMParser } from '@xmldom/xmldom';
import JSZip from 'jszip';
import type { DocBlock, DocRow, PlanDocument } from './document';
import { PlanError } from './errors';

const W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';

/** The minimal DOM surface used here (xmldom's nodes). */
interface XNode {
  nodeType: number;
  localName: string | null;
  namespaceURI: string | null;
  childNodes: ArrayLike<XNode>;
  textContent: string | null;
  getAttributeNS?(ns: string, name: string): string | null;
}

function children(node: XNode, name?: string): XNode[] {
  const out: XNode[] = [];
  for (let i = 0; i < node.childNodes.length; i++) {
    const c = node.childNodes[i] as XNode;
    if (c.nodeType === 1 && c.namespaceURI === W && (name === undefined || c.localName === name)) out.push(c);
  }
  return out;
}

function attr(node: XNode, name: string): string | null {
  return node.getAttributeNS?.(W, name) ?? null;
}

/** A paragraph's text: its runs' text, tabs and line breaks, in order (also inside hyperlinks, fields, insertions). */
function paragraphText(p: XNode): string {
  let out = '';
  const walk = (n: XNode): void => {
    for (const c of children(n)) {
      switch (c.localName) {
        case 't':
          out += c.textContent ?? '';
          break;
        case 'tab':
          out += '\t';
          break;
        case 'br':
        case 'cr':
          out += '\n';
          break;
        case 'noBreakHyphen':
          out += '-';
          break;
        case 'del':
        case 'delText':
        case 'pPr':
        case 'rPr':
        case 'instrText':
          break;
        default:
          walk(c);
      }
    }
  };
  walk(p);
  return out;
}

/** A cell's paragraphs as lines, spaces collapsed, empty paragraphs dropped (as the text readers clean cells). */
function cellText(tc: XNode): string {
  const lines: string[] = [];
  const walk = (n: XNode): void => {
    for (const c of children(n)) {
      if (c.localName === 'p') lines.push(...paragraphText(c).split('\n'));
      else if (c.localName === 'tbl')
        for (const tr of children(c, 'tr')) for (const inner of children(tr, 'tc')) walk(inner);
      else if (c.localName === 'sdt' || c.localName === 'sdtContent' || c.localName === 'customXml') walk(c);
    }
  };
  walk(tc);
  return lines
    .map((l) => l.replace(/[\s\u00a0]+/g, ' ').trim())
    .filter((l) => l !== '')
    .join('\n');
}

export async function readDocx(file: string, bytes: Uint8Array): Promise<PlanDocument> {
  let xml: string | undefined;
  try {
    const zip = await JSZip.loadAsync(bytes);
    xml = await zip.file('word/document.xml')?.async('string');
  } catch (e) {
    throw new PlanError(
      { file },
      `not a readable Word document (${(e as Error).message})`,
      `inte ett läsbart Word-dokument (${(e as Error).message})`,
    );
  }
  if (xml === undefined) {
    throw new PlanError(
      { file },
      'Word document without word/document.xml',
      'Word-dokumentet saknar word/document.xml',
    );
  }
  const errors: string[] = [];
  let root: XNode | null = null;
  try {
    const dom = new DOMParser({
      onError: (level, msg) => void (level !== 'warning' && errors.push(msg)),
    }).parseFromString(xml, 'text/xml');
    root = dom.documentElement;
  } catch (e) {
    errors.push((e as Error).message.split('\n')[0] ?? '');
  }
  const body = root ? children(root, 'body')[0] : undefined;
  if (!body || errors.length > 0) {
    throw new PlanError(
      { file },
      `Word document XML cannot be read${errors[0] ? ` (${errors[0]})` : ''}`,
      `Word-dokumentets XML går inte att läsa${errors[0] ? ` (${errors[0]})` : ''}`,
    );
  }

  const blocks: DocBlock[] = [];
  let ordinal = 0;
  let tableNo = 0;
  const visit = (parent: XNode): void => {
    for (const el of children(parent)) {
      if (el.localName === 'p') {
        const text = paragraphText(el);
        ordinal++;
        if (text.trim() !== '')
          blocks.push({ kind: 'paragraph', at: { line: ordinal, label: `stycke ${ordinal}` }, text });
      } else if (el.localName === 'tbl') {
        tableNo++;
        const rows: DocRow[] = [];
        children(el, 'tr').forEach((tr, r) => {
          ordinal++;
          const cells: string[] = [];
          for (const tc of children(tr, 'tc')) {
            const pr = children(tc, 'tcPr')[0];
            const span =
              Number((pr && children(pr, 'gridSpan')[0] && attr(children(pr, 'gridSpan')[0] as XNode, 'val')) ?? 1) ||
              1;
            const vMerge = pr ? children(pr, 'vMerge')[0] : undefined;
            // A vertically merged cell's continuation is empty, as the text export shows it.
            const text = vMerge && attr(vMerge, 'val') !== 'restart' ? '' : cellText(tc);
            cells.push(text);
            for (let k = 1; k < span; k++) cells.push('');
          }
          rows.push({ at: { line: ordinal, label: `tabell ${tableNo}, rad ${r + 1}` }, cells });
        });
        const [header, ...all] = rows;
        // The header row written again inside the table (a table pasted together from pieces, or
        // the header typed in again after a page break instead of marked to repeat) is no data row.
        const same = (r: DocRow) =>
          header !== undefined &&
          header.cells.some((c) => c !== '') &&
          r.cells.length === header.cells.length &&
          r.cells.every((c, i) => c === header.cells[i]);
        const rest = all.filter((r) => !same(r));
        const at = { line: header?.at.line ?? ordinal, label: `tabell ${tableNo}` };
        blocks.push(header ? { kind: 'table', at, header, rows: rest } : { kind: 'table', at, rows: [] });
      } else if (el.localName === 'sdt' || el.localName === 'sdtContent' || el.localName === 'customXml') {
        visit(el);
      }
    }
  };
  visit(body);
  return { file, format: 'docx', blocks };
}
