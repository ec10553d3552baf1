import type { PlanDocument } from './document';
import { PlanError } from './errors';

export async function readPdf(file: string, _bytes: Uint8Array): Promise<PlanDocument> {
  throw new PlanError({ file }, 'PDF files cannot be imported yet', 'PDF-filer kan inte importeras ännu');
}
