import type { PlanDocument } from './document';
import { PlanError } from './errors';

export async function readXlsx(file: string, _bytes: Uint8Array): Promise<PlanDocument> {
  throw new PlanError({ file }, 'Excel files cannot be imported yet', 'Excel-filer kan inte importeras ännu');
}
