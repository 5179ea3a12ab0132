import { readFileSync } from 'node:fs';
import { type DiagnosisResult, DiagnosisResultSchema } from '../../src/diagnosis/result.js';

// Loads the report fixture, and makes variants of it whose texts try to break out of each format.

const FIXTURE = new URL('../fixtures/report/diagnosis-result.json', import.meta.url);

export function loadFixture(): DiagnosisResult {
  return DiagnosisResultSchema.parse(JSON.parse(readFileSync(FIXTURE, 'utf8')));
}

export const TARGET_ENDPOINT = 'POST /api/cart';
/** An endpoint name that is markup in HTML, breaks Markdown tables and XML attributes. */
export const HOSTILE_ENDPOINT =
  'POST /api/cart"><script>window.__pwned = 1</script><img src="x" onerror="window.__pwned = 2">|*_[x](y)&amp;\u0007';
export const HOSTILE_TITLE = 'Pool </title><script>window.__pwned = 3</script> & "quotes" \'single\'';

function renameEndpoint(result: DiagnosisResult, from: string, to: string): void {
  const rename = (s: string) => s.split(from).join(to);
  const lt = result.loadTest;
  if (lt) {
    for (const e of lt.endpoints) e.name = rename(e.name);
    for (const hist of lt.histograms) hist.endpoint = rename(hist.endpoint);
    lt.series.endpointP95 = Object.fromEntries(
      Object.entries(lt.series.endpointP95).map(([k, v]) => [rename(k), v]),
    );
  }
  for (const f of result.findings) {
    f.subjects = f.subjects.map(rename);
    for (const item of f.evidence) {
      item.message = rename(item.message);
      if (item.observed) item.observed = rename(item.observed);
    }
  }
}

/** The fixture with one endpoint name and one finding title full of markup. */
export function hostileFixture(): DiagnosisResult {
  const result = loadFixture();
  renameEndpoint(result, TARGET_ENDPOINT, HOSTILE_ENDPOINT);
  const first = result.findings.find((f) => f.rank === 1);
  if (first) first.title = HOSTILE_TITLE;
  return DiagnosisResultSchema.parse(result);
}

const ESC = String.fromCharCode(27);
export const ANSI = new RegExp(`${ESC}\\[`);
export const ANSI_SEQUENCES = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');
