import { artilleryJsonParser } from './artillery-json.js';
import { autocannonJsonParser } from './autocannon-json.js';
import { gatlingLogParser } from './gatling-log.js';
import { harParser } from './har.js';
import { jmeterCsvParser } from './jmeter-csv.js';
import { jmeterXmlParser } from './jmeter-xml.js';
import { k6JsonParser } from './k6-json.js';
import { k6SummaryParser } from './k6-summary.js';
import { locustCsvParser } from './locust-csv.js';
import type { LoadTestParser } from './parser.js';

// Every load-test parser, in the order format detection tries them (most specific first).
export const LOAD_TEST_PARSERS: readonly LoadTestParser[] = [
  k6JsonParser,
  k6SummaryParser,
  gatlingLogParser,
  locustCsvParser,
  harParser,
  artilleryJsonParser,
  autocannonJsonParser,
  jmeterCsvParser,
  jmeterXmlParser,
];
