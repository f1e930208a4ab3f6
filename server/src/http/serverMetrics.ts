/**
 * The numbers behind `GET /metrics`: HTTP request counts by route and status
 * kept here, relay figures read from {@link Relay.metrics}, rendered in the
 * Prometheus text format (version 0.0.4). Persist latency is a summary over
 * the most recent samples plus running sum and count.
 */
import type { RelayMetrics } from "../sync/relayTypes";

const LATENCY_WINDOW = 2048;
const QUANTILES = [0.5, 0.9, 0.99] as const;

/** Counters kept by the HTTP side, rendered together with the relay's. */
export class ServerMetrics {
  private readonly requests = new Map<string, number>();
  private readonly latencies: number[] = [];
  private latencySum = 0;
  private latencyCount = 0;

  /** Counts one answered HTTP request. */
  countRequest(method: string, route: string, status: number): void {
    const key = `${method}\u0000${route}\u0000${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  /** Renders every metric, draining the relay's latency samples into the summary. */
  render(relay: RelayMetrics): string {
    for (const sample of relay.persistLatencyMs) {
      this.latencies.push(sample);
      this.latencySum += sample;
      this.latencyCount += 1;
    }
    if (this.latencies.length > LATENCY_WINDOW) this.latencies.splice(0, this.latencies.length - LATENCY_WINDOW);

    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, samples: ReadonlyArray<readonly [string, number]>): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
    };
    metric("taiku_connections", "gauge", "Open sync sockets.", [["", relay.connections]]);
    metric("taiku_loaded_documents", "gauge", "Documents held in memory.", [["", relay.loadedDocuments]]);
    metric("taiku_built_documents", "gauge", "Documents held in memory and built (the others are held as their stored bytes until something changes them).", [["", relay.builtDocuments]]);
    metric("taiku_refused_documents", "gauge", "Documents refused because a stored record of theirs is damaged (see /readyz).", [["", relay.refusedDocuments]]);
    metric("taiku_updates_total", "counter", "Updates accepted from clients.", [["", relay.updatesTotal]]);
    metric("taiku_quota_rejections_total", "counter", "Updates that took a KV document over its quota.", [
      ["", relay.quotaRejectionsTotal],
    ]);
    metric("taiku_compensations_total", "counter", "Compensating transactions written.", [["", relay.compensationsTotal]]);

    const sorted = [...this.latencies].sort((a, b) => a - b);
    const quantile = (q: number): number => (sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0));
    metric("taiku_persist_latency_ms", "summary", "Time from receiving an update to its durable write, in milliseconds.", [
      ...QUANTILES.map((q) => [`{quantile="${q}"}`, quantile(q)] as const),
    ]);
    lines.push(`taiku_persist_latency_ms_sum ${this.latencySum}`, `taiku_persist_latency_ms_count ${this.latencyCount}`);

    const requestSamples = [...this.requests].map(([key, count]) => {
      const [method, route, status] = key.split("\u0000");
      return [`{method="${escapeLabel(method ?? "")}",route="${escapeLabel(route ?? "")}",status="${status ?? ""}"}`, count] as const;
    });
    metric("taiku_http_requests_total", "counter", "HTTP requests answered, by method, route and status.", requestSamples);
    return `${lines.join("\n")}\n`;
  }
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
