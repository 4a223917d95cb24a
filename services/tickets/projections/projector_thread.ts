/**
 * The main thread's handle on the projector worker: starts it, mirrors its position into the
 * main thread's {@link ProjectionWatch}, and stops it. Same `start`/`stop` as the inline one.
 * @module
 */
import type { Logger } from "@ticketd/shared/log/logger.ts";
import type { ProjectionWatch } from "./projection_watch.ts";
import type { ProjectorWorkerReport, ProjectorWorkerStart } from "./projector_worker.ts";

export class ProjectorThread {
  #worker: Worker | null = null;

  constructor(
    private readonly init: Omit<ProjectorWorkerStart, "type">,
    private readonly watch: ProjectionWatch,
    private readonly log: Logger,
  ) {}

  start(): Promise<void> {
    const worker = new Worker(new URL("./projector_worker.ts", import.meta.url), {
      type: "module",
    });
    this.#worker = worker;
    const started = Promise.withResolvers<void>();
    worker.onmessage = (event: MessageEvent<ProjectorWorkerReport>) => {
      const report = event.data;
      if (report.type === "started" || report.type === "position") {
        this.watch.advance(report.position);
        started.resolve();
      } else if (report.type === "failed") {
        this.log.error("projector thread failed", { error: report.error });
        started.reject(new Error(`The projector failed to start: ${report.error}`));
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.log.error("projector thread crashed", { error: event.message });
      started.reject(new Error(`The projector crashed: ${event.message}`));
    };
    worker.postMessage({ type: "start", ...this.init } satisfies ProjectorWorkerStart);
    return started.promise;
  }

  async stop(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    const stopped = Promise.withResolvers<void>();
    worker.onmessage = (event: MessageEvent<ProjectorWorkerReport>) => {
      if (event.data.type === "stopped" || event.data.type === "failed") stopped.resolve();
    };
    worker.postMessage({ type: "stop" });
    await Promise.race([stopped.promise, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    worker.terminate();
    this.#worker = null;
  }
}
