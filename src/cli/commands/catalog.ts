import { type Command, InvalidArgumentError, Option } from 'commander';
import { exportCatalog, exportScenario, summarizeScenario } from '../../catalog/export.js';
import { type Catalog, type CatalogScenario, loadCatalog, readCatalog } from '../../catalog/loader.js';
import { catalogMarkdown, scenarioMarkdown } from '../../catalog/render/markdown.js';
import { scenarioPage, scenarioTable, searchTable, table } from '../../catalog/render/terminal.js';
import { CatalogSearch } from '../../catalog/search.js';
import { nearest } from '../../core/nearest.js';
import { formatProblem, InputError } from '../../core/problem.js';
import { CATEGORY_NAMES, RECOGNITION_KIND_NAMES, SEVERITY_NAMES } from '../../core/vocabulary.js';
import { SIGNALS } from '../../signals/registry.js';
import { emit, type Io, pageWidth, styleFor, tableWidth } from '../io.js';

// `faultline catalog ...`: list, show, search, export and validate scenarios.

export interface GlobalOptions {
  scenarios: string[];
  color: boolean;
}

interface OutputOptions {
  format: string;
  output?: string;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export function registerCatalog(program: Command, io: Io, globals: () => GlobalOptions): void {
  const catalog = program
    .command('catalog')
    .description('browse, search, export and validate the failure catalog')
    .addHelpText(
      'after',
      '\nExamples:\n  faultline catalog list --category database\n  faultline catalog search "pool exhausted"\n  faultline catalog show connection-pool-exhaustion\n  faultline catalog validate ./my-scenarios',
    );
  const load = (): Catalog => loadCatalog({ userDirs: globals().scenarios });

  catalog
    .command('list')
    .description('list scenarios, optionally filtered')
    .addOption(new Option('--category <category>', 'only this category').choices(CATEGORY_NAMES))
    .addOption(
      new Option('--recognized-from <kind>', 'only scenarios recognizable this way').choices(
        RECOGNITION_KIND_NAMES,
      ),
    )
    .addOption(new Option('--severity <severity>', 'only this severity').choices(SEVERITY_NAMES))
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action((options: OutputOptions & { category?: string; recognizedFrom?: string; severity?: string }) => {
      const selected = load().scenarios.filter(
        (s) =>
          (!options.category || s.category === options.category) &&
          (!options.recognizedFrom || s.recognizedFrom.includes(options.recognizedFrom as never)) &&
          (!options.severity || s.severity === options.severity),
      );
      const text =
        options.format === 'json'
          ? json(selected.map(summarizeScenario))
          : scenarioTable(
              selected,
              styleFor(io, { ...globals(), ...options }),
              tableWidth(io, options.output),
            );
      emit(io, text, options.output);
    });

  catalog
    .command('show')
    .description('show one scenario: symptoms, diagnostics, remediation, prevention, references')
    .argument('<id>', 'scenario id (see catalog list or catalog search)')
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'),
    )
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action((id: string, options: OutputOptions) => {
      const all = load();
      const scenario = findScenario(all, id);
      let text: string;
      if (options.format === 'json') text = json(exportScenario(scenario));
      else if (options.format === 'markdown') {
        text = scenarioMarkdown(scenario, {
          linkTo: (other) => `${other}.md`,
          titleOf: (other) => all.get(other)?.title,
        });
      } else
        text = scenarioPage(
          scenario,
          styleFor(io, { ...globals(), ...options }),
          pageWidth(io, options.output),
        );
      emit(io, text, options.output);
    });

  catalog
    .command('search')
    .description('ranked search over titles, aliases, error messages and symptoms; tolerant of typos')
    .argument('<text...>', 'words or an error message')
    .option('-n, --limit <n>', 'how many results at most', parseLimit, 10)
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action((words: string[], options: OutputOptions & { limit: number }) => {
      const query = words.join(' ');
      const hits = new CatalogSearch(load().scenarios).search(query, options.limit);
      if (options.format === 'json') {
        emit(io, json(hits), options.output);
        return;
      }
      if (hits.length === 0) {
        io.error(`no scenario matches "${query}"; try fewer or other words, or faultline catalog list\n`);
        return;
      }
      emit(
        io,
        searchTable(hits, styleFor(io, { ...globals(), ...options }), tableWidth(io, options.output)),
        options.output,
      );
    });

  catalog
    .command('export')
    .description('export the whole catalog with every field, including seed sources')
    .addOption(
      new Option('--format <format>', 'output format').choices(['json', 'markdown']).makeOptionMandatory(),
    )
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action((options: OutputOptions) => {
      const all = load();
      emit(io, options.format === 'json' ? json(exportCatalog(all)) : catalogMarkdown(all), options.output);
    });

  catalog
    .command('signals')
    .description('list the signals that scenario signatures can read')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action((options: OutputOptions) => {
      if (options.format === 'json') {
        emit(io, json(SIGNALS));
        return;
      }
      const style = styleFor(io, { ...globals(), ...options });
      emit(
        io,
        table(
          SIGNALS,
          [
            { header: 'SIGNAL', value: (s) => s.name },
            { header: 'FROM', value: (s) => s.from },
            { header: 'UNIT', value: (s) => s.unit ?? '' },
            { header: 'MEANING', value: (s) => s.description, flexible: true },
          ],
          style,
          tableWidth(io),
        ),
      );
    });

  catalog
    .command('validate')
    .description('check a folder of user scenarios against the schema and the catalog')
    .argument('<dir>', 'a folder of scenario folders (<id>/scenario.yaml), or one scenario folder')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((dir: string, options: OutputOptions) => {
      const { scenarios, problems } = readCatalog({ userDirs: [dir] });
      const mine = scenarios.filter((s) => s.origin === 'user').map((s) => s.id);
      if (options.format === 'json') {
        io.write(json({ valid: problems.length === 0, scenarios: mine.sort(), problems }));
      } else {
        for (const problem of problems) io.write(`${formatProblem(problem)}\n`);
        io.write(
          problems.length === 0
            ? `${mine.length} scenario(s) valid in ${dir}\n`
            : `${problems.length} problem(s) in ${dir} (${mine.length} scenario(s) parsed)\n`,
        );
      }
      if (problems.length > 0) throw new ReportedFailure(2);
    });
}

/** The command has already reported what went wrong; only the exit code remains. */
export class ReportedFailure extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

function findScenario(catalog: Catalog, id: string): CatalogScenario {
  const scenario = catalog.get(id);
  if (scenario) return scenario;
  const byName = nearest(id, catalog.ids(), 3);
  const bySearch = new CatalogSearch(catalog.scenarios)
    .search(id.replaceAll('-', ' '), 3)
    .map((hit) => hit.id);
  const suggestions = [...new Set([...byName, ...bySearch])].slice(0, 4);
  throw new InputError(
    `unknown scenario id "${id}"${suggestions.length ? `; did you mean: ${suggestions.join(', ')}?` : ''} (faultline catalog search TEXT finds ids)`,
  );
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new InvalidArgumentError('expected a whole number from 1 to 1000.');
  return n;
}
