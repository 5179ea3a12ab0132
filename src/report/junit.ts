import type { DiagnosisResult, Finding } from '../diagnosis/result.js';
import { escapeXmlAttribute as attr, escapeXmlText as text } from './escape.js';
import { formatConfidence, formatInstant, formatOnset } from './format.js';
import {
  describeSignal,
  describeSource,
  formatWeight,
  groupFindings,
  inputErrors,
  needsText,
  wouldHelp,
} from './outline.js';

// The diagnosis as JUnit XML, so that CI servers list each judged scenario as a test: a matched
// scenario fails with its evidence, a not-matched one passes, one without the evidence it needs is
// skipped, and a scenario whose signature crashed is an error. One suite named "faultline".

const SUITE = 'faultline';

function element(
  name: string,
  attributes: Record<string, string | number | undefined>,
  body?: string,
): string {
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([k, v]) => ` ${k}="${attr(String(v))}"`)
    .join('');
  return body === undefined ? `<${name}${attrs}/>` : `<${name}${attrs}>${body}</${name}>`;
}

/** The failure body: what a developer reads in the CI test view. */
function failureText(f: Finding, testStart: string | undefined): string {
  const lines = [`${f.title} (${f.scenarioId}): ${f.severity}, ${formatConfidence(f.confidence)} confidence`];
  if (f.onset) lines.push(`Onset: ${formatOnset(f.onset, testStart)}`);
  if (f.end) lines.push(`Until: ${formatInstant(f.end)}`);
  if (f.subjects.length) lines.push(`Affects: ${f.subjects.join(', ')}`);
  if (f.evidence.length) {
    lines.push('', 'Evidence:');
    for (const e of f.evidence) {
      lines.push(`- ${e.message}`);
      if (e.expected !== undefined) lines.push(`  expected: ${e.expected}`);
      if (e.observed !== undefined) lines.push(`  observed: ${e.observed}`);
      lines.push(`  source: ${describeSource(e.source)}`);
    }
  }
  const contributions = (title: string, list: Finding['raisedBy']) => {
    if (!list.length) return;
    lines.push('', `${title}:`);
    for (const c of list) lines.push(`- ${formatWeight(c.weight)} ${describeSignal(c)}: ${c.reason}`);
  };
  contributions('Raised by', f.raisedBy);
  contributions('Lowered by', f.loweredBy);
  if (f.missingEvidence.length) lines.push('', `Would help: ${wouldHelp(f).join('; ')}`);
  if (f.checks.length) {
    lines.push('', 'Check:');
    f.checks.forEach((c, i) => {
      lines.push(`${i + 1}. ${c.description}`);
      if (c.command) lines.push(`   $ ${c.command}`);
    });
  }
  if (f.remediation.length) {
    lines.push('', 'Do:');
    f.remediation.forEach((step, i) => {
      lines.push(`${i + 1}. ${step}`);
    });
  }
  return lines.join('\n');
}

/** One line for the failure message attribute, which CI servers show as the headline. */
function failureMessage(f: Finding): string {
  const first = f.evidence[0];
  return `${f.title}: ${first ? first.message : `matched with ${formatConfidence(f.confidence)} confidence`}`;
}

function testcase(f: Finding, testStart: string | undefined): string {
  const head = { classname: `${SUITE}.${f.category}`, name: `${f.scenarioId}: ${f.title}` };
  switch (f.status) {
    case 'matched':
      return element(
        'testcase',
        head,
        `\n      ${element('failure', { message: failureMessage(f), type: f.severity }, text(failureText(f, testStart)))}\n    `,
      );
    case 'insufficient-evidence':
      return element('testcase', head, `\n      ${element('skipped', { message: needsText(f) })}\n    `);
    case 'not-matched':
      return element('testcase', head);
  }
}

export function renderJunit(result: DiagnosisResult): string {
  const groups = groupFindings(result.findings);
  const testStart = result.loadTest?.start;
  const cases = [...groups.matched, ...groups.notMatched, ...groups.insufficient].map((f) =>
    testcase(f, testStart),
  );
  // A signature that crashed judged nothing; CI shows it as an error of that scenario's test.
  const crashed = result.errors
    .filter((e) => e.scenarioId !== undefined)
    .sort((a, b) => (a.scenarioId ?? '').localeCompare(b.scenarioId ?? ''))
    .map((e) =>
      element(
        'testcase',
        { classname: `${SUITE}.${e.stage}`, name: `${e.scenarioId}` },
        `\n      ${element('error', { message: e.message, type: e.stage })}\n    `,
      ),
    );

  const tests = cases.length + crashed.length;
  const counts = {
    tests,
    failures: groups.matched.length,
    errors: crashed.length,
    skipped: groups.insufficient.length,
  };
  const properties = [
    element('property', { name: 'verdict', value: result.verdict }),
    element('property', { name: 'tool.version', value: result.tool.version }),
    element('property', { name: 'schemaVersion', value: result.schemaVersion }),
  ];
  if (result.window) {
    properties.push(element('property', { name: 'window.start', value: result.window.start }));
    properties.push(element('property', { name: 'window.end', value: result.window.end }));
  }

  const systemErr = [
    ...inputErrors(result).map(
      (i) =>
        `input ${i.kind} ${describeSource(i.source)} ${i.status}${i.error ? `: ${i.error.code}: ${i.error.message}` : ''}`,
    ),
    ...result.errors.filter((e) => e.scenarioId === undefined).map((e) => `${e.stage}: ${e.message}`),
  ];
  const systemOut = result.loadTest?.notes ?? [];

  const suiteBody = [
    `\n    ${element('properties', {}, `\n      ${properties.join('\n      ')}\n    `)}`,
    ...cases.map((c) => `\n    ${c}`),
    ...crashed.map((c) => `\n    ${c}`),
    systemOut.length ? `\n    ${element('system-out', {}, text(systemOut.join('\n')))}` : '',
    systemErr.length ? `\n    ${element('system-err', {}, text(systemErr.join('\n')))}` : '',
    '\n  ',
  ].join('');
  // JUnit's schema wants a local timestamp without zone; the result's instant is in UTC.
  const timestamp = formatInstant(result.generatedAt).replace(' UTC', '').replace(' ', 'T');
  const suite = element('testsuite', { name: SUITE, ...counts, timestamp, time: 0 }, suiteBody);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${element('testsuites', { name: SUITE, ...counts, time: 0 }, `\n  ${suite}\n`)}\n`;
}
