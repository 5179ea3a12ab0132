#!/usr/bin/env node
// Entry point of the installed CLI; the bundle is produced by `npm run build` (run by `npm install`).
import { main } from '../dist/cli.js';

// A reader that stops early (`faultline ... | head`) closes the pipe: that is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
