import { type ChildProcess, execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

// Apache JMeter as the lab's load tool: a test plan written for the JMeter the machine has (the
// Debian package is 2.13), run in non-GUI mode, writing its native CSV results (JTL) with a header,
// one row per request, each labelled by the request it made.

const run = promisify(execFile);

// Debian's jmeter 2.13 package runs against a newer XStream that refuses to load any test plan
// (ForbiddenClassException). Its BeanShell init file runs too late to help, so on that layout JMeter is
// started through BeanShell's interpreter, which allows JMeter's own classes in XStream first.
const DEBIAN_HOME = '/usr/share/jmeter';
const DEBIAN_BSH = '/usr/share/java/bsh.jar';
const DEBIAN_LAUNCHER = `import org.apache.jmeter.util.JMeterUtils;
import org.apache.jmeter.save.SaveService;
JMeterUtils.setJMeterHome("${DEBIAN_HOME}");
JMeterUtils.loadJMeterProperties("${DEBIAN_HOME}/bin/jmeter.properties");
String[] allowed = new String[] { "org.apache.jmeter.**", "org.apache.jorphan.**" };
for (String name : new String[] { "JMXSAVER", "JTLSAVER" }) {
  f = SaveService.class.getDeclaredField(name);
  f.setAccessible(true);
  f.get(null).allowTypesByWildcard(allowed);
}
new org.apache.jmeter.JMeter().start(bsh.args);
`;

/** The result columns the lab asks JMeter for, with a header row. */
export const JTL_CSV_PROPERTIES = {
  'jmeter.save.saveservice.output_format': 'csv',
  'jmeter.save.saveservice.print_field_names': 'true',
  'jmeter.save.saveservice.assertion_results_failure_message': 'true',
  'jmeter.save.saveservice.connect_time': 'true',
  'jmeter.save.saveservice.url': 'true',
  'jmeter.save.saveservice.hostname': 'true',
};

export function jmeterPath(): string | undefined {
  return spawnSync('sh', ['-c', 'command -v jmeter'], { encoding: 'utf8' }).stdout.trim() || undefined;
}

/** Runs a plan in non-GUI mode; fails with the end of JMeter's log when it wrote no results. */
export async function runJMeter(
  dir: string,
  plan: string,
  out: string,
  properties: Record<string, string>,
  timeoutMs: number,
  /** Told of the JMeter process as it starts, so its owner can stop it on an interrupt. */
  started: (child: ChildProcess) => void = () => undefined,
): Promise<void> {
  const args = ['-n', '-t', plan, '-l', out, '-j', join(dir, 'jmeter.log')];
  for (const [key, value] of Object.entries(properties)) args.push(`-J${key}=${value}`);
  const debian = existsSync(join(DEBIAN_HOME, 'bin/ApacheJMeter.jar')) && existsSync(DEBIAN_BSH);
  if (debian) {
    const jars = [join(DEBIAN_HOME, 'bin/ApacheJMeter.jar')];
    for (const sub of ['lib/ext', 'lib']) {
      const folder = join(DEBIAN_HOME, sub);
      for (const name of readdirSync(folder)) if (name.endsWith('.jar')) jars.push(join(folder, name));
    }
    jars.push(DEBIAN_BSH);
    const launcher = join(dir, 'launch.bsh');
    writeFileSync(launcher, DEBIAN_LAUNCHER);
    const java = run(
      'java',
      [`-Djmeter.home=${DEBIAN_HOME}`, '-cp', jars.join(':'), 'bsh.Interpreter', launcher, ...args],
      {
        cwd: dir,
        timeout: timeoutMs,
      },
    );
    started(java.child);
    await java;
  } else {
    const path = jmeterPath();
    if (!path) throw new Error('jmeter is not installed (Debian package jmeter)');
    const jmeter = run(path, args, { cwd: dir, timeout: timeoutMs });
    started(jmeter.child);
    await jmeter;
  }
  if (!existsSync(out)) {
    const log = readFileSync(join(dir, 'jmeter.log'), 'utf8').slice(-2000);
    throw new Error(`JMeter wrote no ${out}; the end of its log:\n${log}`);
  }
}

function xml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('"', '&quot;');
}

export interface PlanRequest {
  /** The sampler's label (the endpoint name in the results). */
  label: string;
  method: 'GET' | 'POST';
  /** Path; may use ${id}. */
  path: string;
  /** Raw JSON body; may use ${id}. */
  body?: string;
}

/** A thread group of the plan: its threads start `delayS` into the run and stop `durationS` later. */
export interface PlanGroup {
  threads: number;
  delayS: number;
  durationS: number;
  /** Requests per second across the group's threads (a Constant Throughput Timer for the group). */
  rate: number;
}

export interface PlanOptions {
  port: number;
  /** One group holds a steady rate; groups joining one after another climb in steps. */
  groups: readonly PlanGroup[];
  /** CSV with the columns kind,id: which request each iteration makes, in order (seeded by the caller). */
  sequenceCsv: string;
  requests: readonly PlanRequest[];
}

function sampler(port: number, r: PlanRequest): string {
  const body = r.body
    ? `<boolProp name="HTTPSampler.postBodyRaw">true</boolProp>
          <elementProp name="HTTPsampler.Arguments" elementType="Arguments"><collectionProp name="Arguments.arguments">
            <elementProp name="" elementType="HTTPArgument"><boolProp name="HTTPArgument.always_encode">false</boolProp><stringProp name="Argument.value">${xml(r.body)}</stringProp><stringProp name="Argument.metadata">=</stringProp></elementProp>
          </collectionProp></elementProp>`
    : `<elementProp name="HTTPsampler.Arguments" elementType="Arguments"><collectionProp name="Arguments.arguments"/></elementProp>`;
  const headers = r.body
    ? `<HeaderManager guiclass="HeaderPanel" testclass="HeaderManager" testname="json" enabled="true"><collectionProp name="HeaderManager.headers"><elementProp name="" elementType="Header"><stringProp name="Header.name">Content-Type</stringProp><stringProp name="Header.value">application/json</stringProp></elementProp></collectionProp></HeaderManager><hashTree/>`
    : '';
  return `
          <HTTPSamplerProxy guiclass="HttpTestSampleGui" testclass="HTTPSamplerProxy" testname="${xml(r.label)}" enabled="true">
          ${body}
          <stringProp name="HTTPSampler.domain">127.0.0.1</stringProp>
          <stringProp name="HTTPSampler.port">${port}</stringProp>
          <stringProp name="HTTPSampler.protocol">http</stringProp>
          <stringProp name="HTTPSampler.path">${xml(r.path)}</stringProp>
          <stringProp name="HTTPSampler.method">${r.method}</stringProp>
          <boolProp name="HTTPSampler.use_keepalive">true</boolProp>
          <stringProp name="HTTPSampler.connect_timeout">5000</stringProp>
          <stringProp name="HTTPSampler.response_timeout">10000</stringProp>
          </HTTPSamplerProxy>
          <hashTree>${headers}</hashTree>`;
}

/**
 * A thread group: its threads pick the next row of the sequence (shared by every group), a Switch
 * Controller runs the sampler named in its kind column, and a Constant Throughput Timer holds the
 * group at its rate. The timer divides the rate over the group's own threads (JMeter's calcMode 2),
 * so groups that join later add their rate to what runs already: a stepped load.
 */
function threadGroup(options: PlanOptions, group: PlanGroup, index: number): string {
  return `
      <ThreadGroup guiclass="ThreadGroupGui" testclass="ThreadGroup" testname="users-${index + 1}" enabled="true">
        <stringProp name="ThreadGroup.on_sample_error">continue</stringProp>
        <elementProp name="ThreadGroup.main_controller" elementType="LoopController" guiclass="LoopControlPanel" testclass="LoopController" enabled="true">
          <boolProp name="LoopController.continue_forever">false</boolProp>
          <intProp name="LoopController.loops">-1</intProp>
        </elementProp>
        <stringProp name="ThreadGroup.num_threads">${group.threads}</stringProp>
        <stringProp name="ThreadGroup.ramp_time">1</stringProp>
        <boolProp name="ThreadGroup.scheduler">true</boolProp>
        <stringProp name="ThreadGroup.duration">${group.durationS}</stringProp>
        <stringProp name="ThreadGroup.delay">${group.delayS}</stringProp>
      </ThreadGroup>
      <hashTree>
        <CSVDataSet guiclass="TestBeanGUI" testclass="CSVDataSet" testname="sequence" enabled="true">
          <stringProp name="filename">${xml(options.sequenceCsv)}</stringProp>
          <stringProp name="fileEncoding">UTF-8</stringProp>
          <stringProp name="variableNames">kind,id</stringProp>
          <stringProp name="delimiter">,</stringProp>
          <boolProp name="quotedData">false</boolProp>
          <boolProp name="recycle">true</boolProp>
          <boolProp name="stopThread">false</boolProp>
          <stringProp name="shareMode">shareMode.all</stringProp>
        </CSVDataSet>
        <hashTree/>
        <ConstantThroughputTimer guiclass="TestBeanGUI" testclass="ConstantThroughputTimer" testname="rate" enabled="true">
          <intProp name="calcMode">2</intProp>
          <doubleProp><name>throughput</name><value>${group.rate * 60}</value><savedValue>0.0</savedValue></doubleProp>
        </ConstantThroughputTimer>
        <hashTree/>
        <SwitchController guiclass="SwitchControllerGui" testclass="SwitchController" testname="mix" enabled="true">
          <stringProp name="SwitchController.value">\${kind}</stringProp>
        </SwitchController>
        <hashTree>${options.requests.map((r) => sampler(options.port, r)).join('')}
        </hashTree>
      </hashTree>`;
}

/** A plan of a fixed length: one thread group per load step, all reading the same sequence. */
export function labPlan(options: PlanOptions): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<jmeterTestPlan version="1.2" properties="2.8" jmeter="2.13">
  <hashTree>
    <TestPlan guiclass="TestPlanGui" testclass="TestPlan" testname="faultline-lab" enabled="true">
      <elementProp name="TestPlan.user_defined_variables" elementType="Arguments"><collectionProp name="Arguments.arguments"/></elementProp>
      <boolProp name="TestPlan.functional_mode">false</boolProp>
      <boolProp name="TestPlan.serialize_threadgroups">false</boolProp>
    </TestPlan>
    <hashTree>${options.groups.map((g, i) => threadGroup(options, g, i)).join('')}
    </hashTree>
  </hashTree>
</jmeterTestPlan>
`;
}
