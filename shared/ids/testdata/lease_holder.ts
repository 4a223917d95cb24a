/**
 * A service-like process holding a worker id (tests/worker_lease_test.ts): leases one on the
 * NATS of NATS_URL, says which on stderr, then waits; its JSON log lines go to stdout.
 * @module
 */
import { connect } from "@nats-io/transport-node";
import { Kvm } from "@nats-io/kv";
import { createLogger } from "../../log/logger.ts";
import { leaseServiceWorkerId } from "../worker_lease.ts";

const nc = await connect({ servers: Deno.env.get("NATS_URL")! });
const log = createLogger("warn", { service: "lease-holder" });
const lease = await leaseServiceWorkerId(new Kvm(nc), "lease-holder", log);
console.error(`worker id ${lease.workerId}`);
setInterval(() => {}, 60_000);
