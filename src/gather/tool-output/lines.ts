import type { Tool } from '../../core/vocabulary.js';
import { saysKnownFailure } from '../../logs/known-failures.js';

// What one line of tool output says, after the decoration CI systems add is removed: which tool
// wrote it, whether it marks a failure or a success, and whether it is an error line worth citing.
// Every pattern is anchored or a plain literal with bounded repetition, so a line costs a constant.

/**
 * Characters of a line that are kept and matched. Error messages of the tools read here fit in
 * a few hundred characters; longer lines are minified JSON or base64 blobs whose tail explains
 * nothing, and a bound per line keeps matching linear in the size of the output.
 */
export const MAX_KEPT_LINE_CHARS = 1000;

// ESC [ … final byte (colours, cursor moves) and ESC ] … BEL (terminal titles, hyperlinks).
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is what these sequences start with
const ANSI_CSI = /\x1b\[[0-9;?]{0,32}[ -/]{0,4}[@-~]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC and BEL delimit these sequences
const ANSI_OSC = /\x1b\][^\x07\x1b]{0,512}(?:\x07|\x1b\\)/g;
/** `gh run view --log` writes "job<TAB>step<TAB>" before the timestamp. */
const GH_DOWNLOAD_PREFIX = /^[^\t]{1,200}\t[^\t]{1,200}\t(?=\d{4}-\d{2}-\d{2}T)/;
/** GitHub Actions and Azure Pipelines: 2024-05-01T10:00:00.1234567Z */
const ISO_PREFIX = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z ?/;
/** Jenkins timestamper: [2024-05-01T10:00:00.123Z] */
const BRACKET_ISO_PREFIX = /^\[\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z\] ?/;
/** BuildKit plain progress: "#12 3.456 " before what the step printed. */
const BUILDKIT_STEP_OUTPUT = /^#\d{1,4} \d{1,6}\.\d{1,3} /;

/** The line as the tool wrote it: without colours, carriage-return overwrites and CI timestamps. */
export function cleanLine(raw: string): string {
  let line = raw.length > 4 * MAX_KEPT_LINE_CHARS ? raw.slice(0, 4 * MAX_KEPT_LINE_CHARS) : raw;
  if (line.includes('\x1b')) line = line.replace(ANSI_OSC, '').replace(ANSI_CSI, '');
  // Progress bars and GitLab section markers rewrite the line after a carriage return: keep what shows.
  const cr = line.lastIndexOf('\r');
  if (cr !== -1) {
    const tail = line.slice(cr + 1);
    line = tail.trim() === '' ? line.slice(0, cr).slice(line.slice(0, cr).lastIndexOf('\r') + 1) : tail;
  }
  if (line.includes('\t')) line = line.replace(GH_DOWNLOAD_PREFIX, '');
  line = line.replace(ISO_PREFIX, '').replace(BRACKET_ISO_PREFIX, '').replace(BUILDKIT_STEP_OUTPUT, '');
  if (line.startsWith('section_start:') || line.startsWith('section_end:')) return '';
  return line.length > MAX_KEPT_LINE_CHARS ? line.slice(0, MAX_KEPT_LINE_CHARS) : line;
}

/** Lines that only a given tool writes. Counted per tool; the tools of an output are those with hits. */
const TOOL_HINTS: ReadonlyArray<[Tool, RegExp]> = [
  [
    'terraform',
    /^(?:│ )?(?:Terraform (?:has been successfully initialized|used the selected providers|will perform)|Initializing (?:the backend|provider plugins)|Apply complete! Resources|Plan: \d{1,6} to add|No changes\. Your infrastructure matches|Acquiring state lock|Error: Error acquiring the state lock|Releasing state lock)/,
  ],
  ['terraform', /^(?:[│╷╵]|\s{0,4}(?:on|with) \S{1,200}\.tf(?:\.json)? line \d{1,6})/],
  ['terraform-json', /^\{"@level":/],
  [
    'cloudformation',
    /\b(?:AWS::CloudFormation::Stack|UPDATE_ROLLBACK_(?:FAILED|COMPLETE|IN_PROGRESS)|ROLLBACK_(?:COMPLETE|FAILED|IN_PROGRESS)|(?:CREATE|UPDATE|DELETE)_FAILED)\b/,
  ],
  [
    'cloudformation',
    /\bcloudformation (?:deploy|create-stack|update-stack|describe-stack-events)\b|Waiter StackCreateComplete failed|Failed to create\/update the stack/,
  ],
  [
    'pulumi',
    /^(?:\s{0,8}pulumi:pulumi:Stack|Updating \(|Previewing update \(|Diagnostics:|\s{0,4}error: update failed|Resources:$|View (?:in Browser|Live): https:\/\/app\.pulumi\.com)/,
  ],
  [
    'kubectl',
    /^(?:Error from server \(|error: (?:the server doesn't have a resource type|unable to recognize)|(?:deployment|service|configmap|secret|pod|statefulset|daemonset|job)\.[a-z.]{0,40}\/\S{1,200} (?:created|configured|unchanged)|Waiting for deployment "[^"]{1,200}" rollout to finish)/,
  ],
  [
    'helm',
    /^(?:Error: (?:INSTALLATION|UPGRADE) FAILED|Release "[^"]{1,200}" has been upgraded|NAME: \S{1,200}$|STATUS: (?:deployed|failed|pending-)|Hang tight while we grab the latest)/,
  ],
  [
    'docker',
    /^(?:#\d{1,4} (?:\[|DONE|ERROR|CACHED|sha256|naming to|exporting)|ERROR \[|ERROR: failed to (?:solve|build)|Step \d{1,4}\/\d{1,4} : |Successfully built [0-9a-f]{12}|docker: Error response from daemon|Error response from daemon:|\[\+\] (?:Running|Building|Pulling) \d{1,4}\/\d{1,4}|failed to solve: )/,
  ],
  [
    'npm',
    /^(?:npm (?:ERR!|error|warn|WARN|notice)|added \d{1,6} packages?|up to date, audited|yarn (?:install|run) v|pnpm(?: install|:)| ERR_PNPM_)/,
  ],
  [
    'pip',
    /^(?:Collecting \S|Requirement already satisfied|Successfully installed |ERROR: (?:Could not find a version|No matching distribution|Cannot install|ResolutionImpossible|pip's dependency resolver)|Installing collected packages)/,
  ],
  [
    'maven',
    /^\[(?:INFO|ERROR|WARNING)\] (?:BUILD (?:SUCCESS|FAILURE)|Building |--- |Failed to execute goal|Tests run: |Total time:)/,
  ],
  [
    'gradle',
    /^(?:> Task :|FAILURE: Build failed with an exception|BUILD (?:SUCCESSFUL|FAILED) in \d|\* What went wrong:)/,
  ],
  [
    'go',
    /^(?:go: (?:downloading|finding|errors parsing|[a-z0-9./-]{1,200}@)|--- (?:FAIL|PASS): |(?:ok|FAIL)\s{1,8}\S{1,200}\s{1,8}(?:\d|\[)|# \S{1,200}$|panic: |goroutine \d{1,8} \[)/,
  ],
  [
    'github-actions',
    /^(?:##\[(?:error|warning|group|endgroup|debug|section)\]|::(?:error|warning|group|endgroup)|Run actions\/|Current runner version: |Post job cleanup\.|Cleaning up orphan processes)/,
  ],
  [
    'gitlab-ci',
    /^(?:Running with gitlab-runner |Executing "step_script" stage|ERROR: Job failed|Job succeeded$|Preparing the "[^"]{1,60}" executor|Uploading artifacts for (?:successful|failed) job)/,
  ],
  [
    'jenkins',
    /^(?:\[Pipeline\] |Started by (?:user|timer|an SCM change|upstream)|Finished: (?:SUCCESS|FAILURE|UNSTABLE|ABORTED)|Running on \S{1,200} in \/)/,
  ],
  [
    'aws',
    /\(?(?:AccessDenied(?:Exception)?|UnauthorizedOperation|ExpiredToken(?:Exception)?|InvalidClientTokenId|ThrottlingException|LimitExceeded(?:Exception)?|ServiceQuotaExceededException)\)? when calling the [A-Za-z]{1,80} operation|^An error occurred \(/,
  ],
  ['jvm', /^(?:Exception in thread "|Caused by: [a-z][\w$]{0,60}\.|\tat [\w$.]{1,300}\()/],
  ['python', /^(?:Traceback \(most recent call last\):| {2}File "[^"]{1,300}", line \d{1,7})/],
  [
    'node',
    /^(?:node:internal\/|\s{4}at (?:async )?\S{1,300} \((?:node:|file:|\/)|Error: Cannot find module |npm ERR! code E)/,
  ],
];

export function toolsOfLine(line: string): Tool[] {
  const tools: Tool[] = [];
  for (const [tool, hint] of TOOL_HINTS) if (hint.test(line) && !tools.includes(tool)) tools.push(tool);
  return tools;
}

/**
 * Lines that say the run (or the step that decides it) failed. When the last such line comes after
 * the last success marker, the output is a failure.
 */
const FAILURE_MARKERS: readonly RegExp[] = [
  /^##\[error\]/,
  /^::error(?: |::)/,
  /^(?:│ )?Error: /,
  /^error: /,
  /^\s{0,8}error: update failed$/,
  /^ERROR: (?:Job failed|failed to solve|failed to build|Could not|No matching|Cannot|script returned exit code)/,
  /^Finished: (?:FAILURE|ABORTED)/,
  /^\[(?:INFO|ERROR)\] BUILD FAILURE/,
  /^FAILURE: Build failed/,
  /^BUILD FAILED/,
  /^npm (?:ERR!|error) /,
  /^ERR_PNPM_| ERR_PNPM_/,
  /^error (?:Command failed|An unexpected error occurred)/,
  /^ERROR \[/,
  /^(?:FAIL|FAILED)(?:\s|$)/,
  /^--- FAIL: /,
  // TAP (the Node.js test runner, node-tap, prove): a failed test point and the failure count
  /^not ok \d{1,6} - /,
  /^# fail [1-9]/,
  /^panic: /,
  /^fatal: /,
  /^Traceback \(most recent call last\):/,
  /^Exception in thread "/,
  /^Error from server/,
  /Error response from daemon: /,
  /\b(?:exit code|exit status|exited with code|returned exit code) [1-9]\d{0,2}\b/,
  /\b(?:CREATE|UPDATE|DELETE|UPDATE_ROLLBACK|ROLLBACK|IMPORT)_FAILED\b/,
  /\b(?:UPDATE_)?ROLLBACK_(?:COMPLETE|IN_PROGRESS)\b/,
  /^An error occurred \(\w{1,80}\) when calling/,
  /^Error: (?:INSTALLATION|UPGRADE) FAILED/,
  /^STATUS: failed/,
];

/** Lines that say the run (or the step that decides it) succeeded. */
const SUCCESS_MARKERS: readonly RegExp[] = [
  /^(?:│ )?Apply complete! Resources: /,
  /^(?:│ )?Destroy complete! Resources: /,
  /^No changes\. Your infrastructure matches the configuration\./,
  /^Plan: \d{1,6} to add, \d{1,6} to change, \d{1,6} to destroy\.$/,
  /^Terraform has been successfully initialized!/,
  /^Success! The configuration is valid/,
  /^Finished: SUCCESS/,
  /^Job succeeded$/,
  /^\[INFO\] BUILD SUCCESS/,
  /^BUILD SUCCESSFUL in /,
  /^Successfully built [0-9a-f]{12}/,
  /^Successfully tagged /,
  /^#\d{1,4} naming to /,
  /^naming to /,
  /^Successfully installed /,
  /^added \d{1,6} packages?/,
  /^up to date, audited /,
  /^STATUS: deployed/,
  /^deployment "[^"]{1,200}" successfully rolled out/,
  /^ok\s{1,8}\S{1,200}\s{1,8}\d/,
  /^PASS$/,
  /^# fail 0$/,
  /^Tests: {1,4}\d{1,6} passed, \d{1,6} total/,
  /^Successfully (?:created|updated)\/?(?:updated)? stack/,
  /^Update (?:succeeded|complete)/,
];

/**
 * Error lines: where a failure chunk starts. Wider than the failure markers: a tool's own error
 * wording ("Error:", "ERROR", "failed", "denied", "exception") anywhere in the line, and the
 * Kubernetes reasons that say a failure in one word (FailedScheduling, ProvisioningFailed,
 * ImagePullBackOff, Evicted) in kubectl's tables and events.
 */
const ERROR_WORDS =
  /\b(?:[Ee]rror|ERROR|ERR!|[Ff]ailed|FAILED|[Ff]ailure|FAILURE|[Ff]atal|FATAL|[Dd]enied|[Ee]xception|[Pp]anic|[Rr]efused|[Tt]imed out|[Uu]nable to|[Cc]annot|[Cc]ould not|No space left|\d{1,6} failing|[A-Z][A-Za-z]{1,40}(?:Error|Exception)|Failed[A-Z][A-Za-z]{2,30}|[A-Z][a-z]{2,30}Failed|ErrImagePull|ImagePullBackOff|CrashLoopBackOff|BackoffLimitExceeded|ProgressDeadlineExceeded|Evicted|emerg|crit|UBSAN|Oops)\b/;
/** Error words in lines that report there were none ("0 errors", "Failures: 0"). */
const NONE_REPORTED = /\b0 (?:errors?|failures?|failed)\b|\b(?:[Ee]rrors?|[Ff]ailures?|[Ff]ailed): 0\b/;

/**
 * Verdicts of gates that carry no error word: a coverage threshold not met, vulnerabilities found at
 * high or critical severity. The step fails on them, but what the tool prints next (the summary of
 * the tests that passed, a blank line, the table of findings) would keep them out of any chunk.
 */
const GATE_VERDICTS: readonly RegExp[] = [
  // Jest: Jest: "global" coverage threshold for lines (80%) not met: 72.4%
  /coverage threshold for (?:lines|statements|branches|functions) \(\d{1,3}(?:\.\d{1,2})?%\) not met/,
  // Trivy table summary: Total: 3 (UNKNOWN: 0, LOW: 0, MEDIUM: 0, HIGH: 2, CRITICAL: 1)
  /^Total: \d{1,6} \(.{0,80}\b(?:HIGH|CRITICAL): [1-9]/,
  // npm audit: "2 critical severity vulnerabilities", "5 vulnerabilities (3 moderate, 2 high)"
  /^\d{1,6} (?:high|critical) severity vulnerabilit(?:y|ies)$/,
  /^(?:found )?\d{1,6} vulnerabilit(?:y|ies) \(.{0,60}\b\d{1,6} (?:high|critical)\)$/,
  // npm audit report entry: Severity: critical
  /^Severity: (?:high|critical)$/,
];

/**
 * Notices: lines a tool prints in output that may well end in success, but that report a problem
 * worth a finding on their own. Terraform prints the first during plan and apply when refreshing
 * found remote objects that differ from the state it last wrote (drift); the run then succeeds.
 * With -json the same drift is one "resource_drift" record per resource.
 * Only text ways that declare `notice: true` may match output that ended in success, and only
 * through a chunk that one of these lines opened or joined, so that a successful run never alarms
 * for any other reason. The ordinary notes of every plan ("Note: You didn't use the -out option")
 * are not notices.
 */
const NOTICE_MARKERS: readonly RegExp[] = [
  /^(?:│ )?Note: Objects have changed outside of (?:Terraform|OpenTofu)\s{0,4}$/,
  /^(?:│ )?(?:Terraform|OpenTofu) detected the following changes made outside of (?:Terraform|OpenTofu) since the/,
  // terraform plan -json: the message of a "resource_drift" record
  /^\S{1,200}: Drift detected \((?:update|delete|replace|create)\)$/,
];

/** Whether the line is a notice (see NOTICE_MARKERS): it opens a chunk without being an error line. */
export function isNoticeLine(line: string): boolean {
  return NOTICE_MARKERS.some((marker) => marker.test(line));
}

export function isFailureMarker(line: string): boolean {
  return FAILURE_MARKERS.some((marker) => marker.test(line));
}

export function isSuccessMarker(line: string): boolean {
  return SUCCESS_MARKERS.some((marker) => marker.test(line));
}

/**
 * Whether a failure chunk starts at this line: a failure marker, an error word, a gate's verdict, or
 * a message of a known failure family that carries no error word ("Reason: OOMKilled", "connect: no route to
 * host", "accept4: too many open files").
 */
export function isErrorLine(line: string): boolean {
  if (isFailureMarker(line)) return true;
  if (ERROR_WORDS.test(line) && !NONE_REPORTED.test(line)) return true;
  if (GATE_VERDICTS.some((verdict) => verdict.test(line))) return true;
  return saysKnownFailure(line);
}
