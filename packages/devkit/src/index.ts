export { killLeftoverProcesses, type RunningProcess, startProcess } from './child-process.js';
export { databaseUrl, TEMPLATE_DATABASE } from './database-url.js';
export {
  type EmbeddedPostgresHandle,
  type EmbeddedPostgresOptions,
  freePort,
  startEmbeddedPostgres,
} from './embedded-postgres.js';
export { type Exposition, type MetricType, parsePrometheusText, type Sample, sampleValue } from './prometheus-text.js';
export { type Answer, type ReceivedRequest, type Receiver, type Responder, startReceiver } from './receiver.js';
export * from './relay-fixtures.js';
export { type WaitOptions, waitFor } from './wait.js';
export { withClient } from './with-client.js';
