import { writeFileSync } from 'node:fs';
import { renderHtml } from './src/report/html.js';
import { hostileFixture } from './test/report/support.js';
writeFileSync('/tmp/report.html', renderHtml(hostileFixture()));
