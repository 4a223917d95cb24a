/**
 * `/metrics` in the Prometheus text format: per stream the lag (messages not yet written), the
 * entries written and the position; whether this instance is the writer; checkpoints signed.
 * No tenant appears: the metrics describe the service, not anyone's activity.
 * @module
 */

export interface MetricsSource {
  streams: { stream: string; lag: number | undefined; written: number; position: number }[];
  leading: boolean;
  checkpointsSigned: number;
}

/** The metrics text of `source`. */
export function metricsText(source: MetricsSource): string {
  const lines: string[] = [];
  const family = (name: string, type: string, help: string, samples: [string, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  const byStream = (pick: (s: MetricsSource["streams"][number]) => number | undefined) =>
    source.streams.flatMap((s): [string, number][] => {
      const value = pick(s);
      return value === undefined ? [] : [[`{stream="${s.stream}"}`, value]];
    });
  family(
    "ticketd_audit_lag_messages",
    "gauge",
    "Messages of a source stream not yet written to the audit log.",
    byStream((s) => s.lag),
  );
  family(
    "ticketd_audit_entries_written_total",
    "counter",
    "Audit entries this process wrote.",
    byStream((s) => s.written),
  );
  family(
    "ticketd_audit_position",
    "gauge",
    "The last source stream sequence written.",
    byStream((s) => s.position),
  );
  family("ticketd_audit_leading", "gauge", "1 while this process is the audit writer.", [
    ["", source.leading ? 1 : 0],
  ]);
  family(
    "ticketd_audit_checkpoints_signed_total",
    "counter",
    "Checkpoints this process signed.",
    [["", source.checkpointsSigned]],
  );
  return lines.join("\n") + "\n";
}
