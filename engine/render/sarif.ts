import * as path from "path";
import { pathToFileURL } from "url";
import type { GateError } from "../errors";
import type { Report, ReportProblem } from "../report";
import type { SourcePosition } from "../types";

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
const TOOL_URI = "https://github.com/alicloud-secure-groups/alicloud-secure-groups";

export interface SarifOptions {
    /** Paths are made relative to this directory (the repository root in CI), as code scanning expects. */
    readonly baseDir: string;
    readonly toolVersion: string;
}

/**
 * SARIF 2.1.0: one rule per policy of every pack, one result per problem (`error` when mandatory, `warning`
 * when advisory; a problem several policies judge carries every judgement), located at the resource's source
 * file and line when the SDK captured one.
 */
export function renderSarif(report: Report, options: SarifOptions): string {
    const rules: { id: string; name: string; shortDescription: { text: string }; properties: object }[] = [];
    const ruleIndex = new Map<string, number>();
    for (const pack of report.packs) {
        for (const policy of pack.policies) {
            const id = `${pack.name}/${policy.name}`;
            if (ruleIndex.has(id)) {
                continue;
            }
            ruleIndex.set(id, rules.length);
            rules.push({
                id,
                name: policy.name,
                shortDescription: { text: policy.description || policy.name },
                properties: {
                    policyPack: pack.name,
                    policyPackVersion: pack.version,
                    enforcementLevel: policy.enforcementLevel,
                    policyType: policy.type,
                },
            });
        }
    }
    // One result per problem: a rule several policies judge for one root cause is one alert in code scanning,
    // its headline policy's, carrying every policy's judgement.
    const results = report.problems.map((problem) => {
        const [v] = problem.violations;
        const id = `${v.policyPack}/${v.policyName}`;
        const source = v.urn ? report.sources.get(v.urn) : undefined;
        return {
            ruleId: id,
            ...(ruleIndex.has(id) ? { ruleIndex: ruleIndex.get(id) } : {}),
            level: problem.enforcementLevel === "mandatory" ? "error" : "warning",
            message: { text: problemText(problem) },
            locations: source
                ? [
                      {
                          physicalLocation: physicalLocation(source, options.baseDir),
                          ...(v.urn
                              ? { logicalLocations: [{ fullyQualifiedName: v.urn, kind: "resource" }] }
                              : {}),
                      },
                  ]
                : v.urn
                  ? [{ logicalLocations: [{ fullyQualifiedName: v.urn, kind: "resource" }] }]
                  : [],
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
    });
    return sarifLog(options, rules, {
        invocations: [
            {
                executionSuccessful: true,
                toolExecutionNotifications: [
                    { level: "note", message: { text: report.origin.limitations } },
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
                        informationUri: TOOL_URI,
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
        const how =
            call.answer === "pinned"
                ? "with the answer pinned by --invokes"
                : "as unknown, as in a preview: nothing derived from its result is known (pin an answer with --invokes FILE)";
        return {
            level: "note",
            message: { text: `The data source ${call.token} was answered offline ${how}.` },
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
