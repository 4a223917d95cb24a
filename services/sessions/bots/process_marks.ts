/**
 * What a plugin process writes on stderr when its stdout is gone (the plugin closed it), so the
 * host can tell a broken protocol from a crash. Shared by the shim and the host; no imports, as
 * the plugin process loads it.
 * @module
 */

export const STDOUT_LOST = "ticketd bot: stdout lost";
