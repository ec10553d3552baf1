/**
 * The activities the worker registers: all of Planvakt's I/O (delivery, ledger, reports) lives
 * here, each idempotent under retry. Workflows reach them only through
 * `proxyActivities<Activities>`.
 */
import type { DeliveryRequest, DeliverySink } from './deliver';

export interface ActivityDeps {
  delivery: DeliverySink;
}

export function createActivities(deps: ActivityDeps) {
  return {
    async deliver(request: DeliveryRequest) {
      return deps.delivery.deliver(request);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
