import { readFileSync } from 'node:fs';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import { temporalAddress, type Env } from '../config';

/**
 * One place that turns the environment into connection options, so the worker (native
 * connection), the web app and the CLI (client connection) reach the same cluster the same way:
 * plain on the dev server, mTLS for a self-hosted cluster, API key for Temporal Cloud.
 */
function connectionOptions(env: Env) {
  const tls =
    env.TEMPORAL_TLS_CERT_PATH && env.TEMPORAL_TLS_KEY_PATH
      ? {
          serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME,
          clientCertPair: {
            crt: readFileSync(env.TEMPORAL_TLS_CERT_PATH),
            key: readFileSync(env.TEMPORAL_TLS_KEY_PATH),
          },
        }
      : env.TEMPORAL_API_KEY
        ? true
        : undefined;
  return {
    address: temporalAddress(env),
    tls,
    apiKey: env.TEMPORAL_API_KEY,
    metadata: env.TEMPORAL_API_KEY ? { 'temporal-namespace': env.TEMPORAL_NAMESPACE } : undefined,
  };
}

export function connectClient(env: Env): Promise<Connection> {
  return Connection.connect(connectionOptions(env) as ConnectionOptions);
}

export function connectWorker(env: Env): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(env) as NativeConnectionOptions);
}
