#!/usr/bin/env node
import { AresError } from '@ares/core';
import { main } from './node/main';

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    if (AresError.isInstance(error)) {
      process.stderr.write(`ares-eval: ${error.code}: ${error.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`ares-eval: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 2;
    }
  },
);
