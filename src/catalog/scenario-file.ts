import { isMap, isScalar, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { nearest } from '../core/nearest.js';
import type { Problem } from '../core/problem.js';
import { type Scenario, ScenarioSchema, ScenarioShape } from './schema.js';

// Reads one scenario.yaml: YAML syntax, then the schema. Every problem carries the file, the line
// and column of the offending node, the field path and what was expected.

export type ParseOutcome = { ok: true; scenario: Scenario } | { ok: false; problems: Problem[] };

export function parseScenarioFile(file: string, text: string): ParseOutcome {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => {
        const position = lineCounter.linePos(error.pos[0]);
        return {
          file,
          ...(position ? { line: position.line, column: position.col } : {}),
          message: `invalid YAML: ${firstLine(error.message)}`,
        };
      }),
    };
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return {
      ok: false,
      problems: [{ file, line: 1, column: 1, message: 'expected a mapping of scenario fields' }],
    };
  }
  const parsed = ScenarioSchema.safeParse(data, { reportInput: true });
  if (parsed.success) return { ok: true, scenario: parsed.data };

  const locate = (path: PropertyKey[], key?: string): { line?: number; column?: number } => {
    const node = nodeAt(doc.contents, path, key);
    if (!node?.range) return {};
    const { line, col } = lineCounter.linePos(node.range[0]);
    return { line, column: col };
  };
  const problems = parsed.error.issues.flatMap((issue) => issueToProblems(file, issue, locate));
  return { ok: false, problems };
}

type Locate = (path: PropertyKey[], key?: string) => { line?: number; column?: number };

function issueToProblems(file: string, issue: z.core.$ZodIssue, locate: Locate): Problem[] {
  const field = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const allowed = allowedKeys(issue.path);
    return issue.keys.map((key) => {
      const suggestion = nearest(key, allowed, 1)[0];
      return {
        file,
        ...locate(issue.path, key),
        field: formatPath([...issue.path, key]),
        message: `unknown field${suggestion ? `; did you mean "${suggestion}"?` : ''} Allowed fields: ${allowed.join(', ')}`,
      };
    });
  }
  const base = { file, ...locate(issue.path), ...(field ? { field } : {}) };
  if (issue.code === 'invalid_value') {
    const values = issue.values.map(String);
    const got = typeof issue.input === 'string' ? issue.input : JSON.stringify(issue.input);
    const suggestion = typeof issue.input === 'string' ? nearest(issue.input, values, 1)[0] : undefined;
    return [
      {
        ...base,
        message: `expected one of: ${values.join(', ')}; got ${JSON.stringify(got)}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      },
    ];
  }
  if (issue.code === 'invalid_type') {
    if (issue.input === undefined)
      return [{ ...base, message: `required field is missing (expected ${issue.expected})` }];
    return [{ ...base, message: `expected ${issue.expected}, got ${describeValue(issue.input)}` }];
  }
  if (issue.code === 'invalid_format' && issue.format === 'regex') {
    return [{ ...base, message: `${issue.message}; got ${JSON.stringify(issue.input)}` }];
  }
  return [{ ...base, message: issue.message }];
}

function allowedKeys(path: PropertyKey[]): string[] {
  if (path.length === 0) return Object.keys(ScenarioShape.shape);
  const top = path[0];
  if (top === 'diagnostics') return ['description', 'command'];
  if (top === 'references') return ['title', 'url'];
  if (top === 'sources') return ['seed', 'item', 'section'];
  return [];
}

/** The deepest YAML node along the path (the key node when a key is given and present). */
function nodeAt(root: unknown, path: PropertyKey[], key?: string): Node | undefined {
  let node = root as Node | undefined;
  for (const segment of path) {
    const next = (node as { get?: (k: unknown, keepScalar: boolean) => unknown })?.get?.(segment, true);
    if (next === undefined || next === null || typeof next !== 'object') break;
    node = next as Node;
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((item) => isScalar(item.key) && item.key.value === key);
    if (pair && isScalar(pair.key)) return pair.key;
  }
  return node;
}

function formatPath(path: PropertyKey[]): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index > 0 ? '.' : ''}${String(segment)}`,
    )
    .join('');
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
