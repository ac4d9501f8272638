import { createHash } from "crypto";
import * as path from "path";
import { pathToFileURL } from "url";
import type { GateError } from "../errors";
import { invokeNote, type Report, type ReportProblem } from "../report";
import type {
    EnforcementLevel,
    PackResult,
    PolicyDescription,
    PolicySeverity,
    SourcePosition,
} from "../types";

/** A problem's message: its one violation's, or each policy's judgement on a line of its own. */
function problemText(problem: ReportProblem): string {
    if (problem.violations.length === 1) {
        return problem.violations[0].message;
    }
    return [
        `One problem, judged by ${problem.violations.length} policies:`,
        ...problem.violations.map((v) => `${v.policyName} (${v.enforcementLevel}): ${v.message}`),
    ].join("\n");
}

const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

export interface SarifOptions {
    /** Paths are made relative to this directory (the repository root in CI), as code scanning expects. */
    readonly baseDir: string;
    readonly toolVersion: string;
    /** The tool's home page, from package.json; omitted when unknown. */
    readonly informationUri?: string;
}

/**
 * `security-severity` as GitHub code scanning reads it: a score whose band (low < 4.0 ≤ medium < 7.0 ≤ high <
 * 9.0 ≤ critical) is the policy's severity.
 */
const SECURITY_SEVERITY: Readonly<Record<PolicySeverity, string>> = {
    low: "3.0",
    medium: "5.5",
    high: "8.0",
    critical: "9.5",
};

/** The key of a result's `partialFingerprints`: versioned, so a change of recipe starts new alerts. */
const FINGERPRINT_KEY = "policyResourceHash/v1";

/** A rule's level before any result: a remediated violation that remains is reported as mandatory. */
const DEFAULT_LEVELS: Readonly<Record<EnforcementLevel, "error" | "warning" | "none">> = {
    mandatory: "error",
    remediate: "error",
    advisory: "warning",
    disabled: "none",
};

const ruleId = (packName: string, policyName: string): string => `${packName}/${policyName}`;

/** One SARIF rule per policy, carrying what the pack says for people: severity, help text and URL, controls. */
function sarifRule(pack: PackResult, policy: PolicyDescription): Record<string, unknown> {
    const tags = [
        "security",
        ...(policy.framework ? [`${policy.framework.name} ${policy.framework.reference}`] : []),
    ];
    return {
        id: ruleId(pack.name, policy.name),
        name: policy.name,
        shortDescription: { text: policy.displayName || policy.description || policy.name },
        fullDescription: { text: policy.description || policy.name },
        ...(policy.remediationSteps ? { help: { text: policy.remediationSteps } } : {}),
        ...(policy.url ? { helpUri: policy.url } : {}),
        defaultConfiguration: { level: DEFAULT_LEVELS[policy.enforcementLevel] },
        properties: {
            policyPack: pack.name,
            policyPackVersion: pack.version,
            enforcementLevel: policy.enforcementLevel,
            policyType: policy.type,
            tags,
            ...(policy.severity ? { "security-severity": SECURITY_SEVERITY[policy.severity] } : {}),
            ...(policy.framework ? { framework: policy.framework } : {}),
        },
    };
}

/**
 * Each problem's `partialFingerprints`: its headline violation's pack, policy and resource URN, so an alert
 * survives a rerun, a moved line and a reworded message. Problems of one policy on one resource (or on the
 * stack) are told apart by their order, which is stable (the report sorts violations by message).
 */
function fingerprints(problems: readonly ReportProblem[]): string[] {
    const seen = new Map<string, number>();
    return problems.map(({ violations: [v] }) => {
        const hash = createHash("sha256")
            .update(`${ruleId(v.policyPack, v.policyName)}\n${v.urn ?? ""}`)
            .digest("hex");
        const occurrence = seen.get(hash) ?? 0;
        seen.set(hash, occurrence + 1);
        return occurrence === 0 ? hash : `${hash}:${occurrence}`;
    });
}

/**
 * One result per problem: a rule several policies judge for one root cause is one alert in code scanning, its
 * headline policy's, carrying every policy's judgement.
 */
function sarifResult(
    report: Report,
    problem: ReportProblem,
    fingerprint: string,
    ruleIndex: ReadonlyMap<string, number>,
    baseDir: string,
): Record<string, unknown> {
    const [v] = problem.violations;
    const id = ruleId(v.policyPack, v.policyName);
    const source = v.urn ? report.sources.get(v.urn) : undefined;
    const logicalLocations = v.urn ? [{ fullyQualifiedName: v.urn, kind: "resource" }] : undefined;
    return {
        ruleId: id,
        ...(ruleIndex.has(id) ? { ruleIndex: ruleIndex.get(id) } : {}),
        level: problem.enforcementLevel === "mandatory" ? "error" : "warning",
        message: { text: problemText(problem) },
        locations: source
            ? [
                  {
                      physicalLocation: physicalLocation(source, baseDir),
                      ...(logicalLocations ? { logicalLocations } : {}),
                  },
              ]
            : logicalLocations
              ? [{ logicalLocations }]
              : [],
        partialFingerprints: { [FINGERPRINT_KEY]: fingerprint },
        properties: {
            enforcementLevel: problem.enforcementLevel,
            urn: v.urn,
            resourceType: v.resourceType,
            resourceName: v.resourceName,
            policies: problem.violations.map((violation) => ({
                policyName: violation.policyName,
                enforcementLevel: violation.enforcementLevel,
                message: violation.message,
            })),
        },
    };
}

/**
 * SARIF 2.1.0 as code scanning reads it: one rule per policy of every pack (with its `security-severity`,
 * `helpUri` and help text), one result per problem (`error` when mandatory, `warning` when advisory; a problem
 * several policies judge carries every judgement) located at the resource's source file and line when the SDK
 * captured one, fingerprinted by policy and URN.
 */
export function renderSarif(report: Report, options: SarifOptions): string {
    const rules: Record<string, unknown>[] = [];
    const ruleIndex = new Map<string, number>();
    for (const pack of report.packs) {
        for (const policy of pack.policies) {
            const id = ruleId(pack.name, policy.name);
            if (!ruleIndex.has(id)) {
                ruleIndex.set(id, rules.length);
                rules.push(sarifRule(pack, policy));
            }
        }
    }
    const printed = fingerprints(report.problems);
    const results = report.problems.map((problem, index) =>
        sarifResult(report, problem, printed[index], ruleIndex, options.baseDir),
    );
    return sarifLog(options, rules, {
        invocations: [
            {
                executionSuccessful: true,
                toolExecutionNotifications: [
                    { level: "note", message: { text: report.origin.limitations } },
                    ...report.notes.map((text) => ({ level: "note", message: { text } })),
                    ...invokeNotifications(report, options),
                ],
            },
        ],
        results,
        properties: {
            project: report.document.project,
            stack: report.document.stack,
            summary: report.document.summary,
            remediations: report.remediations,
        },
    });
}

/** A SARIF 2.1.0 log of one run of the gate: the tool, its rules, the source root, then `run`'s own parts. */
function sarifLog(options: SarifOptions, rules: readonly object[], run: Record<string, unknown>): string {
    const sarif = {
        $schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [
            {
                tool: {
                    driver: {
                        name: "alicloud-sg",
                        ...(options.informationUri ? { informationUri: options.informationUri } : {}),
                        version: options.toolVersion,
                        rules,
                    },
                },
                originalUriBaseIds: { "%SRCROOT%": { uri: pathToFileURL(options.baseDir + path.sep).href } },
                ...run,
            },
        ],
    };
    return JSON.stringify(sarif, null, 2) + "\n";
}

/** A file position as code scanning reads it: relative to the repository root when inside it. */
function physicalLocation(source: SourcePosition, baseDir: string): object {
    const relative = path.relative(baseDir, source.file);
    const inside = !relative.startsWith("..") && !path.isAbsolute(relative);
    return {
        artifactLocation: inside
            ? { uri: relative.split(path.sep).join("/"), uriBaseId: "%SRCROOT%" }
            : { uri: pathToFileURL(source.file).href },
        region: { startLine: source.line, ...(source.column > 0 ? { startColumn: source.column } : {}) },
    };
}

/** One notification per data source answered offline, at the user's line that called it. */
function invokeNotifications(report: Report, options: SarifOptions): object[] {
    return report.document.invokes.map((call, index) => {
        const source = report.invokes[index]?.source;
        return {
            level: "note",
            message: { text: invokeNote(call) },
            ...(source
                ? { locations: [{ physicalLocation: physicalLocation(source, options.baseDir) }] }
                : {}),
            properties: { token: call.token, args: call.args, answer: call.answer },
        };
    });
}

/** The rule of an error result: one per kind of input the gate refused. */
function errorRuleId(error: GateError): string {
    return `alicloud-sg/${error.kind}-error`;
}

/**
 * The SARIF log of a run that could not judge the stack (exit 2): the invocation failed, with an error
 * notification, and one error result carrying the message at the user's file and line when known, so that code
 * scanning annotates a refused argument where it was written.
 */
export function renderSarifError(error: GateError, options: SarifOptions): string {
    const id = errorRuleId(error);
    const locations = error.source
        ? [{ physicalLocation: physicalLocation(error.source, options.baseDir) }]
        : [];
    const rule = {
        id,
        name: `${error.kind}-error`,
        shortDescription: { text: `The gate could not judge the stack: the ${error.kind} is bad.` },
    };
    return sarifLog(options, [rule], {
        invocations: [
            {
                executionSuccessful: false,
                exitCode: 2,
                toolExecutionNotifications: [
                    { level: "error", message: { text: error.message }, descriptor: { id }, locations },
                ],
            },
        ],
        results: [{ ruleId: id, ruleIndex: 0, level: "error", message: { text: error.message }, locations }],
    });
}
