/**
 * The public data sets, found as everywhere in Ticketd (`shared/runtime/data_sets.ts`).
 * @module
 */
export { dataSetsDir } from "@ticketd/shared/runtime/data_sets.ts";
