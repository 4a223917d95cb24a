/**
 * How far the read model is, as recorded in the database by whichever process runs the
 * projector: usable from every instance, including those standing by for the projector lease.
 * @module
 */
import type { Sql } from "postgres";

const POLL_MS = 50;

/** The last stream position the read model committed (0 before the first batch). */
export async function readModelPosition(sql: Sql, projector: string): Promise<number> {
  const [row] = await sql<{ position: string }[]>`
    select position from projector_positions where name = ${projector}`;
  return Number(row?.position ?? 0);
}

/** True once the read model has reached `position`; false if `timeoutMs` passed first. */
export async function waitForReadModel(
  sql: Sql,
  projector: string,
  position: number,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await readModelPosition(sql, projector) >= position) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
