import type { LoadTestParser } from './parser.js';

// Every load-test parser, in the order format detection tries them (most specific first).
export const LOAD_TEST_PARSERS: readonly LoadTestParser[] = [];
