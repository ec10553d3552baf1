import { loadOrganisation } from './load';
import type { Organisation } from './schema';

/**
 * Where the organisation comes from. The file is the default; an Entra ID source (users, manager,
 * department through Microsoft Graph) is planned behind the same interface, off by default.
 */
export interface OrganisationSource {
  /** The current organisation; called at send time (implementations may cache). */
  load(): Promise<Organisation>;
}

export class FileOrganisationSource implements OrganisationSource {
  constructor(private readonly path: string) {}

  load(): Promise<Organisation> {
    return loadOrganisation(this.path);
  }
}
