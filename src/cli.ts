/**
 * bin `shadowcast`: argument parsing only; the work is in src/collector/ and src/schema/.
 *   shadowcast collect --port 4318 --dir ./shadow-data [--token T] [--allow-origin O ...] [--host 127.0.0.1]
 *   shadowcast report --dir ./shadow-data [--experiment E] [--json] [--html report.html]
 *   shadowcast validate-config <file> [--allow-origin O ...]
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { buildReport, createCollector, renderReportHtml, renderReportText } from './collector';
import { validateRemoteConfig } from './schema/validate-remote-config';
import { SDK_VERSION } from './version';

const HELP = `shadowcast ${SDK_VERSION}

Usage:
  shadowcast collect --dir <dir> [--port 4318] [--host 127.0.0.1] [--token <t>] [--allow-origin <origin> ...]
      Runs the reference collector: POST /v1/batches, GET /v1/report, GET /healthz.
  shadowcast report --dir <dir> [--experiment <name>] [--json] [--html <file>]
      Prints the comparison report of everything the collector stored in <dir>.
  shadowcast validate-config <file> [--allow-origin <origin> ...]
      Checks a remote-config document before you publish it (exit code 1 when invalid).
`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined ? 1 : 0;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${SDK_VERSION}\n`);
    return 0;
  }
  switch (command) {
    case 'collect':
      return collect(rest);
    case 'report':
      return report(rest);
    case 'validate-config':
      return validateConfig(rest);
    default:
      throw new UsageError(`Unknown command "${command}". Commands: collect, report, validate-config (see shadowcast --help).`);
  }
}

async function collect(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    dir: { type: 'string' },
    port: { type: 'string', default: '4318' },
    host: { type: 'string', default: '127.0.0.1' },
    token: { type: 'string' },
    'allow-origin': { type: 'string', multiple: true },
  });
  const dir = required(values.dir, '--dir', 'shadowcast collect --dir ./shadow-data');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError(`--port must be a port number (0–65535), received "${values.port}".`);
  const collector = await createCollector({
    dir,
    ...(values.token ? { token: values.token } : {}),
    ...(values['allow-origin'] ? { allowOrigins: values['allow-origin'] } : {}),
  });
  const url = await collector.listen(port, values.host);
  process.stdout.write(`shadowcast collector listening on ${url} (POST /v1/batches, GET /v1/report, GET /healthz), storing in ${dir}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdout.write('shadowcast collector: shutting down (finishing writes)…\n');
  await collector.close();
  return 0;
}

async function report(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    dir: { type: 'string' },
    experiment: { type: 'string' },
    json: { type: 'boolean', default: false },
    html: { type: 'string' },
  });
  const dir = required(values.dir, '--dir', 'shadowcast report --dir ./shadow-data');
  const result = await buildReport(dir, values.experiment ? { experiment: values.experiment } : {});
  if (values.html) {
    await writeFile(values.html, renderReportHtml(result));
    process.stderr.write(`wrote ${values.html}\n`);
  }
  process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : renderReportText(result));
  return 0;
}

async function validateConfig(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { 'allow-origin': { type: 'string', multiple: true } }, true);
  const file = required(positionals[0], '<file>', 'shadowcast validate-config ./config.json');
  const text = await readFile(file, 'utf8');
  const result = validateRemoteConfig(text, values['allow-origin'] ? { allowOrigins: values['allow-origin'] } : {});
  for (const warning of result.warnings) process.stdout.write(`warning: ${warning}\n`);
  if (result.ok) {
    process.stdout.write(`${file}: valid (version ${result.document!.version}, ${Object.keys(result.document!.experiments).length} experiments)\n`);
    return 0;
  }
  for (const error of result.errors) process.stdout.write(`error: ${error}\n`);
  process.stdout.write(`${file}: INVALID\n`);
  return 1;
}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

function parse<const O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message} (see shadowcast --help)`);
  }
}

function required(value: string | undefined, name: string, example: string): string {
  if (!value) throw new UsageError(`${name} is required, e.g. ${example}`);
  return value;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`shadowcast: ${error instanceof UsageError ? error.message : (error as Error).stack ?? String(error)}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
