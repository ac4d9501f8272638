import * as path from "path";
import { pathToFileURL } from "url";
import { MOCK_LIMITATIONS, type Report, type ReportProblem } from "../report";

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
 * SARIF 2.1.0: one rule per policy of every pack, one result per violation (`error` for mandatory, `warning`
 * for advisory), located at the resource's source file and line when the SDK captured one.
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
        const relative = source ? path.relative(options.baseDir, source.file) : undefined;
        const inside = relative !== undefined && !relative.startsWith("..") && !path.isAbsolute(relative);
        return {
            ruleId: id,
            ...(ruleIndex.has(id) ? { ruleIndex: ruleIndex.get(id) } : {}),
            level: problem.enforcementLevel === "mandatory" ? "error" : "warning",
            message: { text: problemText(problem) },
            locations: source
                ? [
                      {
                          physicalLocation: {
                              artifactLocation: inside
                                  ? { uri: relative.split(path.sep).join("/"), uriBaseId: "%SRCROOT%" }
                                  : { uri: pathToFileURL(source.file).href },
                              region: { startLine: source.line, startColumn: source.column },
                          },
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
                invocations: [
                    {
                        executionSuccessful: true,
                        toolExecutionNotifications: [{ level: "note", message: { text: MOCK_LIMITATIONS } }],
                    },
                ],
                results,
                properties: {
                    project: report.document.project,
                    stack: report.document.stack,
                    summary: report.document.summary,
                    remediations: report.remediations,
                },
            },
        ],
    };
    return JSON.stringify(sarif, null, 2) + "\n";
}
