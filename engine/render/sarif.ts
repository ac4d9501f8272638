import * as path from "path";
import { pathToFileURL } from "url";
import { MOCK_LIMITATIONS, type Report } from "../report";
import type { SourcePosition } from "../types";

const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
const TOOL_URI = "https://github.com/alicloud-secure-groups/alicloud-secure-groups";

export interface SarifOptions {
    /** Paths are made relative to this directory (the repository root in CI), as code scanning expects. */
    readonly baseDir: string;
    readonly toolVersion: string;
}

/** A SARIF location at a source position: relative to the base directory when inside it, else a file URL. */
function physicalLocation(source: SourcePosition, baseDir: string): object {
    const relative = path.relative(baseDir, source.file);
    const inside = !relative.startsWith("..") && !path.isAbsolute(relative);
    return {
        artifactLocation: inside
            ? { uri: relative.split(path.sep).join("/"), uriBaseId: "%SRCROOT%" }
            : { uri: pathToFileURL(source.file).href },
        region: { startLine: source.line, startColumn: source.column },
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
    const results = report.document.violations.map((v) => {
        const id = `${v.policyPack}/${v.policyName}`;
        const source = v.urn ? report.sources.get(v.urn) : undefined;
        return {
            ruleId: id,
            ...(ruleIndex.has(id) ? { ruleIndex: ruleIndex.get(id) } : {}),
            level: v.enforcementLevel === "mandatory" ? "error" : "warning",
            message: { text: v.message },
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
                enforcementLevel: v.enforcementLevel,
                urn: v.urn,
                resourceType: v.resourceType,
                resourceName: v.resourceName,
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
                        toolExecutionNotifications: [
                            { level: "note", message: { text: MOCK_LIMITATIONS } },
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
            },
        ],
    };
    return JSON.stringify(sarif, null, 2) + "\n";
}
