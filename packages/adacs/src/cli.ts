#!/usr/bin/env node
import { AresError } from '@ares/core';
import { main } from './cli/main';

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (AresError.isInstance(error)) {
    console.error(`ares-adacs: ${error.code}: ${error.message}`);
    process.exitCode = 2;
  } else throw error;
}
