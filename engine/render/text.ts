import { configuredExposure, sourceLabel, type Report, type ReportViolation } from "../report";
import type { RecordedResource } from "../types";
import { exposureLines } from "../graph/exposure";
import { graphOfResources } from "../graph/model";
import { escapeControlCharacters as oneLine } from "../controlChars";

export interface TextOptions {
    /** ANSI colour; the CLI turns it on only when stdout is a terminal. */
    readonly color: boolean;
}

const ANSI = { red: 31, yellow: 33, green: 32, dim: 2, bold: 1 } as const;

function painter(color: boolean): (style: keyof typeof ANSI, text: string) => string {
    return (style, text) => (color ? `\u001b[${ANSI[style]}m${text}\u001b[0m` : text);
}

interface TreeRow {
    readonly resource: RecordedResource;
    readonly prefix: string;
}

/** Depth-first, children under their parent in registration order, as `pulumi preview` draws the tree. */
function treeRows(resources: readonly RecordedResource[]): TreeRow[] {
    const urns = new Set(resources.map((r) => r.urn));
    const children = new Map<string | null, RecordedResource[]>();
    for (const resource of resources) {
        const parent = resource.parent && urns.has(resource.parent) ? resource.parent : null;
        children.set(parent, [...(children.get(parent) ?? []), resource]);
    }
    const rows: TreeRow[] = [];
    const walk = (parent: string | null, indent: string): void => {
        const list = children.get(parent) ?? [];
        list.forEach((resource, index) => {
            const last = index === list.length - 1;
            rows.push({ resource, prefix: parent === null ? "" : `${indent}${last ? "└─ " : "├─ "}` });
            walk(resource.urn, parent === null ? "" : `${indent}${last ? "   " : "│  "}`);
        });
    };
    walk(null, "");
    return rows;
}

/** The data sources the program called: what a policy could not see, and where it came from. */
function invokeLines(report: Report): string[] {
    const { invokes } = report.document;
    if (invokes.length === 0) {
        return [];
    }
    return [
        "Data sources answered offline (unknown: as in a preview, nothing derived from them is known; pinned: --invokes):",
        ...invokes.map(
            (call) =>
                `    ${call.answer.padEnd(7)}  ${call.token}(${JSON.stringify(call.args)})` +
                (call.source ? `  ${call.source}` : ""),
        ),
        "",
    ];
}

function resourceLabel(v: ReportViolation): string {
    return v.resourceType && v.resourceName ? oneLine(`${v.resourceType}: ${v.resourceName}`) : "stack";
}

/** A message's own lines, each indented under its entry and escaped, so none can pass for a line of the report. */
function messageLines(message: string, indent: string): string[] {
    return message.split("\n").map((line) => `${indent}${oneLine(line)}`);
}

/**
 * The exposure section of a report: risky as the run's policy config says, so the section and
 * disallow-public-risky-ports agree.
 */
export function reportExposureLines(report: Report): string[] {
    const audit = report.origin.kind === "audit";
    const graph = graphOfResources(report.resources, {
        ...configuredExposure(report.packs),
        deployed: audit,
    });
    const because = audit ? "some rules or groups were not read, or are outside what was read" : undefined;
    return exposureLines(graph, { incompleteBecause: because });
}

export function renderText(report: Report, options: TextOptions): string {
    const paint = painter(options.color);
    const { document } = report;
    const lines: string[] = [];
    const audit = report.origin.kind === "audit";
    lines.push(oneLine(report.origin.title));
    lines.push(paint("dim", oneLine(report.origin.limitations)));
    for (const note of report.notes) {
        lines.push(paint("yellow", `note: ${oneLine(note)}`));
    }
    lines.push("");

    const rows = treeRows(report.resources).map((row) => ({
        ...row,
        type: oneLine(row.resource.type),
        name: oneLine(row.resource.name),
    }));
    const typeWidth = Math.max(4, ...rows.map((row) => row.prefix.length + row.type.length));
    const nameWidth = Math.max(4, ...rows.map((row) => row.name.length));
    lines.push(`     ${"Type".padEnd(typeWidth)}  ${"Name".padEnd(nameWidth)}  Plan    Source`);
    for (const { resource, prefix, type, name } of rows) {
        // What is deployed is unchanged by an audit: `same`, as a preview shows resources it leaves alone.
        const plan = resource.external ? "read" : audit ? "same" : "create";
        const mark = resource.external ? paint("dim", ">-") : audit ? "  " : paint("green", " +");
        const source = oneLine(sourceLabel(report.sources.get(resource.urn), report.projectDir) ?? "");
        lines.push(
            ` ${mark}  ${(prefix + type).padEnd(typeWidth)}  ${name.padEnd(nameWidth)}  ` +
                `${plan.padEnd(6)}  ${paint("dim", source)}`.trimEnd(),
        );
    }
    lines.push("");
    lines.push(...invokeLines(report));

    // Escaped line by line first; the colour's own escapes are added after.
    lines.push(
        ...reportExposureLines(report).map((line) =>
            oneLine(line).replace(/ \(risky: [\d, ]+\)/g, (risky) => paint("red", risky)),
        ),
    );
    lines.push("");

    lines.push("Policies:");
    if (report.packs.length === 0) {
        lines.push("    (no policy pack)");
    }
    for (const pack of report.packs) {
        const violations = document.violations.filter((v) => v.policyPack === pack.name);
        const mandatory = violations.some((v) => v.enforcementLevel === "mandatory");
        const status = mandatory
            ? paint("red", "✗")
            : violations.length > 0
              ? paint("yellow", "!")
              : paint("green", "✓");
        lines.push(`    ${status} ${oneLine(`${pack.name}@v${pack.version} (${pack.directory})`)}`);
        const levelOf = (level: ReportViolation["enforcementLevel"]) =>
            level === "mandatory" ? paint("red", "[mandatory]") : paint("yellow", "[advisory]");
        for (const problem of report.problems.filter((p) => p.violations[0].policyPack === pack.name)) {
            // One problem judged by several policies reads as one entry: each policy's judgement under it.
            const [first] = problem.violations;
            const policies = problem.violations.map((v) => paint("bold", oneLine(v.policyName))).join(" + ");
            lines.push(
                `        - ${levelOf(problem.enforcementLevel)}  ${policies}  (${resourceLabel(first)})`,
            );
            for (const v of problem.violations) {
                const [head, ...rest] = messageLines(v.message, "          ");
                lines.push(
                    problem.violations.length > 1
                        ? `          ${oneLine(v.policyName)} ${levelOf(v.enforcementLevel)}: ${head.trimStart()}`
                        : head,
                    ...rest,
                );
            }
            if (first.source) {
                lines.push(`          ${paint("dim", `at ${oneLine(first.source)}`)}`);
            }
        }
        const byUrn = new Map(report.resources.map((r) => [r.urn, r]));
        for (const r of pack.remediations) {
            const resource = byUrn.get(r.urn);
            const what = oneLine(resource ? `${resource.type}: ${resource.name}` : r.urn);
            const label = r.diagnostic
                ? paint("yellow", "[remediation skipped]")
                : audit
                  ? paint("yellow", "[would remediate]")
                  : paint("green", "[remediated]");
            const effect = audit
                ? "Not applied: an audit reports what the policy would change."
                : "Inputs were changed before Analyze.";
            lines.push(`        - ${label}  ${paint("bold", oneLine(r.policyName))}  (${what})`);
            lines.push(...messageLines(r.diagnostic ?? `${r.description} ${effect}`, "          "));
        }
        for (const log of pack.logs) {
            lines.push(
                ...messageLines(`${log.severity}: ${log.message}`, "        ").map((l) => paint("dim", l)),
            );
        }
    }
    lines.push("");
    const { summary } = document;
    const mandatoryProblems = report.problems.filter((p) => p.enforcementLevel === "mandatory").length;
    const verdict = paint(summary.mandatory > 0 ? "red" : "green", `${mandatoryProblems} mandatory`);
    lines.push(
        `Resources: ${summary.resources} · Problems: ${verdict}, ${report.problems.length - mandatoryProblems} advisory` +
            ` · Policy violations: ${summary.mandatory} mandatory, ${summary.advisory} advisory` +
            (report.remediations.length > 0
                ? ` · ${report.remediations.length} ${audit ? "to remediate" : "remediated"}`
                : ""),
    );
    return lines.join("\n") + "\n";
}
