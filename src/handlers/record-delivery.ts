import type { Transaction } from "kysely";
import type { DatabaseSchema } from "../db/schema.ts";

/**
 * Records a webhook delivery inside `trx`. Returns false when the delivery was seen before: GitHub
 * redelivers with the same id, and a redelivery must never cause work twice.
 */
export async function recordDelivery(
  trx: Transaction<DatabaseSchema>,
  deliveryId: string,
  event: string,
): Promise<boolean> {
  const inserted = await trx
    .insertInto("webhook_deliveries")
    .values({ delivery_id: deliveryId, event })
    .onConflict((oc) => oc.column("delivery_id").doNothing())
    .returning("delivery_id")
    .executeTakeFirst();
  return inserted !== undefined;
}
