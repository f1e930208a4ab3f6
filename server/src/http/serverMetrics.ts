/**
 * The numbers behind `GET /metrics`, in the Prometheus text format, kept
 * with `prom-client` in a registry of this server's own: HTTP requests by
 * route and status, the relay's figures (read when scraped), the time each
 * accepted update took to become durable as a histogram in seconds, and
 * the process's own metrics (CPU, memory, event loop lag, handles).
 *
 * Invariant: scraping changes nothing. Every counter and histogram is
 * cumulative from start-up, so any number of scrapers each see the whole
 * story, and a scrape never drains or resets what another one reads.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { RelayMetrics } from "../sync/relayTypes";

/** Upper bounds of the persist-duration buckets, seconds: a group commit usually lands in a millisecond or two. */
const PERSIST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Counters kept by the HTTP side and the relay's figures, rendered together. */
export class ServerMetrics {
  private readonly registry = new Registry();
  private readonly requests: Counter<"method" | "route" | "status">;
  private readonly persisted: Histogram;
  /** The relay's figures for the scrape under way. */
  private figures: RelayMetrics | null = null;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: "taiku_http_requests_total",
      help: "HTTP requests answered, by method, route and status.",
      labelNames: ["method", "route", "status"],
      registers: [this.registry],
    });
    this.persisted = new Histogram({
      name: "taiku_persist_duration_seconds",
      help: "Time from receiving an update to its durable write, in seconds.",
      buckets: PERSIST_BUCKETS,
      registers: [this.registry],
    });
    this.gauge("taiku_connections", "Open sync sockets.", (f) => f.connections);
    this.gauge("taiku_loaded_documents", "Documents held in memory.", (f) => f.loadedDocuments);
    this.gauge("taiku_built_documents", "Documents held in memory and built (the others are held as their encoded bytes until something uses them).", (f) => f.builtDocuments);
    this.gauge("taiku_refused_documents", "Documents refused because a stored record of theirs is damaged (see /readyz).", (f) => f.refusedDocuments);
    this.total("taiku_updates_total", "Updates accepted from clients.", (f) => f.updatesTotal);
    this.total("taiku_quota_rejections_total", "Updates that took a KV document over its quota.", (f) => f.quotaRejectionsTotal);
    this.total("taiku_compensations_total", "Compensating transactions written.", (f) => f.compensationsTotal);
  }

  /** The content type of {@link render}'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Counts one answered HTTP request. */
  countRequest(method: string, route: string, status: number): void {
    this.requests.inc({ method, route, status: String(status) });
  }

  /** Records how long one update took to become durable (the relay's `onPersisted`). */
  observePersisted(ms: number): void {
    this.persisted.observe(ms / 1000);
  }

  /** Every metric as Prometheus text, with the relay's figures as `figures` gives them now. */
  async render(figures: RelayMetrics): Promise<string> {
    this.figures = figures;
    try {
      return await this.registry.metrics();
    } finally {
      this.figures = null;
    }
  }

  private gauge(name: string, help: string, read: (figures: RelayMetrics) => number): void {
    const metrics = this;
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        if (metrics.figures !== null) this.set(read(metrics.figures));
      },
    });
  }

  /** A counter whose running total the relay keeps: set to that total at each scrape. */
  private total(name: string, help: string, read: (figures: RelayMetrics) => number): void {
    const metrics = this;
    new Counter({
      name,
      help,
      registers: [this.registry],
      collect() {
        if (metrics.figures === null) return;
        this.reset();
        this.inc(read(metrics.figures));
      },
    });
  }
}
