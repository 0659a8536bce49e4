// Prometheus metrics (prom-client). Label sets stay small: operation names,
// status classes and outcomes, never buckets or keys.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 's3gw_requests_total',
    help: 'S3 requests by operation and status class',
    labelNames: ['operation', 'status_class'] as const,
    registers: [this.registry],
  });

  readonly requestDuration = new Histogram({
    name: 's3gw_request_duration_seconds',
    help: 'Time from request start to the end of the response, by S3 operation',
    labelNames: ['operation'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly inFlight = new Gauge({
    name: 's3gw_requests_in_flight',
    help: 'S3 requests being served',
    registers: [this.registry],
  });

  readonly bytesReceived = new Counter({
    name: 's3gw_bytes_received_total',
    help: 'Request body bytes read from S3 clients (headers not counted), by S3 operation',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });

  readonly bytesSent = new Counter({
    name: 's3gw_bytes_sent_total',
    help: 'Response body bytes written to S3 clients (headers not counted), by S3 operation',
    labelNames: ['operation'] as const,
    registers: [this.registry],
  });

  readonly authFailures = new Counter({
    name: 's3gw_auth_failures_total',
    help: 'Refused S3 authentications by S3 error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly clientAborts = new Counter({
    name: 's3gw_client_aborts_total',
    help: 'S3 requests the client ended early, by operation and event: disconnected (it closed the connection), body-idle-timeout (it stopped sending its body; answered RequestTimeout)',
    labelNames: ['operation', 'event'] as const,
    registers: [this.registry],
  });

  readonly bucketNameConflicts = new Counter({
    name: 's3gw_bucket_name_conflicts_total',
    help: 'Signed requests for a bucket name registered to another account, served from the requester\'s own container of that name',
    registers: [this.registry],
  });

  readonly connectionsOverLimit = new Counter({
    name: 's3gw_connections_over_limit_total',
    help: 'Connections answered SlowDown and closed: their client address had listen.maxConnectionsPerClient connections open already',
    registers: [this.registry],
  });

  readonly swiftRequests = new Counter({
    name: 's3gw_swift_requests_total',
    help: 'Calls to Swift by method and status (error: Swift unreachable; aborted: the gateway gave up on the call, e.g. the client went away mid-upload; busy: no pooled connection free within swift.queueTimeoutMs, never sent)',
    labelNames: ['method', 'status'] as const,
    registers: [this.registry],
  });

  readonly swiftDuration = new Histogram({
    name: 's3gw_swift_request_duration_seconds',
    help: 'Time to Swift response headers, by method',
    labelNames: ['method'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });

  readonly keystoneCalls = new Counter({
    name: 's3gw_keystone_requests_total',
    help: 'Calls to Keystone by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly keystoneDuration = new Histogram({
    name: 's3gw_keystone_request_duration_seconds',
    help: 'Time of Keystone calls by kind',
    labelNames: ['kind'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly cacheEvents = new Counter({
    name: 's3gw_cache_events_total',
    help: 'Token and secret cache hits, misses and evictions',
    labelNames: ['cache', 'event'] as const,
    registers: [this.registry],
  });

  readonly upstreamUp = new Gauge({
    name: 's3gw_upstream_up',
    help: 'Result of the last background readiness check of an upstream: 1 reachable, 0 not',
    labelNames: ['service'] as const,
    registers: [this.registry],
  });

  readonly upstreamCheckDuration = new Gauge({
    name: 's3gw_upstream_check_duration_seconds',
    help: 'Duration of the last background readiness check of an upstream',
    labelNames: ['service'] as const,
    registers: [this.registry],
  });

  /** Node's default process metrics (CPU, memory, event loop lag, GC, handles, ...). */
  collectProcessMetrics(): void {
    collectDefaultMetrics({ register: this.registry });
    // prom-client names three gauges with a `_total` suffix, which Prometheus
    // reserves for counters (`promtool check metrics` refuses them). Each is the
    // sum over `type` of the gauge of the same name without the suffix, which stays.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      this.registry.removeSingleMetric(name);
    }
  }
}
