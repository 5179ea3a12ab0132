import type { ChunkCollector } from './collect.js';
import { cleanLine } from './lines.js';

// Structured failure output turned into lines a person would read, each with the number of the
// line of the file it came from: Terraform's machine-readable UI (-json) and CloudFormation stack
// events (aws cloudformation describe-stack-events). Both are read line by line, never as a whole.

/** One line of `terraform … -json`: its message, and a diagnostic's summary and detail as lines of their own. */
export function addTerraformJsonLine(collector: ChunkCollector, lineNumber: number, raw: string): void {
  let record: unknown;
  try {
    record = JSON.parse(raw);
  } catch {
    collector.add(lineNumber, cleanLine(raw));
    return;
  }
  if (record === null || typeof record !== 'object') return;
  const r = record as { '@level'?: unknown; '@message'?: unknown; diagnostic?: unknown };
  const level = typeof r['@level'] === 'string' ? r['@level'] : '';
  const diagnostic = (r.diagnostic ?? {}) as { severity?: unknown; summary?: unknown; detail?: unknown };
  if (typeof diagnostic.summary === 'string') {
    const error = diagnostic.severity === 'error';
    collector.add(lineNumber, cleanLine(`${error ? 'Error' : 'Warning'}: ${diagnostic.summary}`), {
      error,
      tool: 'terraform-json',
    });
    if (typeof diagnostic.detail === 'string') {
      for (const detail of diagnostic.detail.split('\n').slice(0, 40))
        collector.add(lineNumber, cleanLine(detail), { error: false, tool: 'terraform-json' });
    }
    return;
  }
  if (typeof r['@message'] === 'string')
    collector.add(lineNumber, cleanLine(r['@message']), {
      ...(level === 'error' ? { error: true } : {}),
      tool: 'terraform-json',
    });
}

const CFN_FIELD =
  /"(StackName|LogicalResourceId|ResourceType|ResourceStatus|ResourceStatusReason|EventId)"\s{0,8}:\s{0,8}"((?:[^"\\]|\\.){0,2000})"/g;

/**
 * Stack events as the AWS CLI prints them (pretty JSON, newest first): the fields of each event
 * are collected as they come, and each event becomes one line "LogicalId (Type) STATUS: reason"
 * at the file line of its status reason (or its status). The newest event of the stack itself
 * decides the outcome.
 */
export class CloudFormationEvents {
  #event: Record<string, { value: string; line: number }> = {};
  #stackDecided = false;

  constructor(private readonly collector: ChunkCollector) {}

  add(lineNumber: number, raw: string): void {
    for (const m of raw.matchAll(CFN_FIELD)) {
      const key = m[1] as string;
      if (key === 'EventId' || this.#event[key]) this.flush();
      this.#event[key] = { value: jsonString(m[2] as string), line: lineNumber };
    }
  }

  flush(): void {
    const e = this.#event;
    this.#event = {};
    const status = e.ResourceStatus;
    if (!status) return;
    const id = e.LogicalResourceId?.value ?? '?';
    const type = e.ResourceType?.value ?? '?';
    const reason = e.ResourceStatusReason;
    const failed = /FAILED$|^(?:UPDATE_)?ROLLBACK_/.test(status.value);
    const text = cleanLine(`${id} (${type}) ${status.value}${reason ? `: ${reason.value}` : ''}`);
    this.collector.add((reason ?? status).line, text, { error: failed, tool: 'cloudformation' });
    if (type === 'AWS::CloudFormation::Stack' && !this.#stackDecided) {
      // Events are listed newest first: the first stack event is the stack's current state.
      this.#stackDecided = true;
      if (/_COMPLETE$/.test(status.value) && !/ROLLBACK/.test(status.value))
        this.collector.decide('succeeded', status.line);
      else if (failed) this.collector.decide('failed', status.line);
    }
  }
}

function jsonString(value: string): string {
  try {
    return JSON.parse(`"${value}"`) as string;
  } catch {
    return value;
  }
}
