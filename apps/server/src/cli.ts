#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createServer, DEFAULT_SERVER_OPTIONS, type ServerOptions } from './server';

const USAGE = `usage: ares-server --port N [--state DIR] [--host H] [--aepo-config FILE.json]
  [--max-body-bytes N] [--request-timeout-ms N] [--max-concurrent N] [--profile mathruler|ares|minerva]`;

function integer(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name}: expected an integer ≥ 0, got ${value}`);
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      state: { type: 'string' },
      'aepo-config': { type: 'string' },
      'max-body-bytes': { type: 'string' },
      'request-timeout-ms': { type: 'string' },
      'max-concurrent': { type: 'string' },
      profile: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const port = integer(values.port, 'port');
  if (port === undefined) throw new Error(`--port is required\n${USAGE}`);
  const options: ServerOptions = {
    port,
    host: values.host ?? DEFAULT_SERVER_OPTIONS.host,
    ...(values.state === undefined ? {} : { stateDirectory: values.state }),
    ...(values['aepo-config'] === undefined ? {} : { aepoConfig: JSON.parse(readFileSync(values['aepo-config'], 'utf8')) }),
    ...(values['max-body-bytes'] === undefined ? {} : { maxBodyBytes: integer(values['max-body-bytes'], 'max-body-bytes')! }),
    ...(values['request-timeout-ms'] === undefined ? {} : { requestTimeoutMs: integer(values['request-timeout-ms'], 'request-timeout-ms')! }),
    ...(values['max-concurrent'] === undefined ? {} : { maxConcurrent: integer(values['max-concurrent'], 'max-concurrent')! }),
    ...(values.profile === undefined ? {} : { gradingProfile: values.profile as NonNullable<ServerOptions['gradingProfile']> }),
  };
  const server = await createServer(options);
  console.log(`ares-server listening on ${server.url}`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
