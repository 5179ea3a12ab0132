#!/usr/bin/env node
// Entry point of the installed CLI; the bundle is produced by `npm run build` (run by `npm install`).
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2));
