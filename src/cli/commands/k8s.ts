import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { gatherEvidence } from '../../pipeline/evidence.js';
import type { Io } from '../io.js';
import { addReportOptions, type ReportOptions, reportBundle } from './analyze.js';
import type { GlobalOptions } from './catalog.js';
import { readPolicy } from './gate.js';

// `faultline k8s DUMP...`: the failure scenarios behind unhealthy Kubernetes objects, from what
// `kubectl get ... -o json` printed. The same pipeline and reports as `faultline analyze`; every
// file given here is read as a dump, whatever its name. Exit codes: 0 done, 1 the policy failed,
// 2 no dump could be read or bad usage.

export function registerK8s(program: Command, io: Io, globals: () => GlobalOptions): void {
  addReportOptions(
    program
      .command('k8s')
      .description(
        'diagnose Kubernetes objects and events from kubectl get -o json dumps: the failure scenarios behind unhealthy pods, deployments, nodes, claims, services, autoscalers and jobs',
      )
      .argument(
        '<dumps...>',
        'files written by kubectl get ... -o json (a List, one object, or events; .gz is fine), or folders of them',
      ),
  )
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  kubectl get pods,deployments,services,endpoints,pvc,hpa,jobs,nodes -A -o json > cluster.k8s.json',
        '  kubectl get events -A -o json > events.k8s.json',
        '  faultline k8s cluster.k8s.json events.k8s.json',
        '  faultline k8s dumps/ --format html -o k8s-report.html',
      ].join('\n'),
    )
    .action(async (dumps: string[], options: ReportOptions) => {
      const policy = await readPolicy(options);
      const bundle = await gatherEvidence({ kubernetes: dumps.flatMap(filesOf) });
      await reportBundle(io, globals, bundle, options, policy);
    });
}

/** A folder stands for its files (hidden files and notes left out), in name order. */
function filesOf(path: string): string[] {
  if (!existsSync(path) || !statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => !name.startsWith('.') && !name.endsWith('.md'))
    .sort()
    .map((name) => join(path, name));
}
