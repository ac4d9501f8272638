import {
    configuredExposure,
    MOCK_LIMITATIONS,
    sourceLabel,
    type Report,
    type ReportViolation,
} from "../report";
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

function resourceLabel(v: ReportViolation): string {
    return v.resourceType && v.resourceName ? oneLine(`${v.resourceType}: ${v.resourceName}`) : "stack";
}

/** A message's own lines, each indented under its entry and escaped, so none can pass for a line of the report. */
function messageLines(message: string, indent: string): string[] {
    return message.split("\n").map((line) => `${indent}${oneLine(line)}`);
}

export function renderText(report: Report, options: TextOptions): string {
    const paint = painter(options.color);
    const { document } = report;
    const lines: string[] = [];
    lines.push(`Previewing ${oneLine(document.project)} (stack ${oneLine(document.stack)}), offline`);
    lines.push(paint("dim", MOCK_LIMITATIONS));
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
        const plan = resource.external ? "read" : "create";
        const mark = resource.external ? paint("dim", ">-") : paint("green", " +");
        const source = oneLine(sourceLabel(report.sources.get(resource.urn), report.projectDir) ?? "");
        lines.push(
            ` ${mark}  ${(prefix + type).padEnd(typeWidth)}  ${name.padEnd(nameWidth)}  ` +
                `${plan.padEnd(6)}  ${paint("dim", source)}`.trimEnd(),
        );
    }
    lines.push("");

    // Judged with the run's policy config, so the section and disallow-public-risky-ports agree.
    const graph = graphOfResources(report.resources, configuredExposure(report.packs));
    // Escaped line by line first; the colour's own escapes are added after.
    lines.push(
        ...exposureLines(graph).map((line) =>
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
        for (const v of violations) {
            const level =
                v.enforcementLevel === "mandatory"
                    ? paint("red", "[mandatory]")
                    : paint("yellow", "[advisory]");
            lines.push(`        - ${level}  ${paint("bold", oneLine(v.policyName))}  (${resourceLabel(v)})`);
            lines.push(...messageLines(v.message, "          "));
            if (v.source) {
                lines.push(`          ${paint("dim", `at ${oneLine(v.source)}`)}`);
            }
        }
        const byUrn = new Map(report.resources.map((r) => [r.urn, r]));
        for (const r of pack.remediations) {
            const resource = byUrn.get(r.urn);
            const what = oneLine(resource ? `${resource.type}: ${resource.name}` : r.urn);
            const label = r.diagnostic
                ? paint("yellow", "[remediation skipped]")
                : paint("green", "[remediated]");
            lines.push(`        - ${label}  ${paint("bold", oneLine(r.policyName))}  (${what})`);
            lines.push(
                ...messageLines(
                    r.diagnostic ?? `${r.description} Inputs were changed before Analyze.`,
                    "          ",
                ),
            );
        }
        for (const log of pack.logs) {
            lines.push(
                ...messageLines(`${log.severity}: ${log.message}`, "        ").map((l) => paint("dim", l)),
            );
        }
    }
    lines.push("");
    const { summary } = document;
    const verdict =
        summary.mandatory > 0
            ? paint("red", `${summary.mandatory} mandatory`)
            : paint("green", `${summary.mandatory} mandatory`);
    lines.push(
        `Resources: ${summary.resources} · Policy violations: ${verdict}, ${summary.advisory} advisory` +
            (report.remediations.length > 0 ? ` · ${report.remediations.length} remediated` : ""),
    );
    return lines.join("\n") + "\n";
}
