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
    return v.resourceType && v.resourceName ? `${v.resourceType}: ${v.resourceName}` : "stack";
}

export function renderText(report: Report, options: TextOptions): string {
    const paint = painter(options.color);
    const { document } = report;
    const lines: string[] = [];
    lines.push(`Previewing ${document.project} (stack ${document.stack}), offline`);
    lines.push(paint("dim", MOCK_LIMITATIONS));
    lines.push("");

    const rows = treeRows(report.resources);
    const typeWidth = Math.max(4, ...rows.map((row) => row.prefix.length + row.resource.type.length));
    const nameWidth = Math.max(4, ...rows.map((row) => row.resource.name.length));
    lines.push(`     ${"Type".padEnd(typeWidth)}  ${"Name".padEnd(nameWidth)}  Plan    Source`);
    for (const { resource, prefix } of rows) {
        const plan = resource.external ? "read" : "create";
        const mark = resource.external ? paint("dim", ">-") : paint("green", " +");
        const source = sourceLabel(report.sources.get(resource.urn), report.projectDir) ?? "";
        lines.push(
            ` ${mark}  ${(prefix + resource.type).padEnd(typeWidth)}  ${resource.name.padEnd(nameWidth)}  ` +
                `${plan.padEnd(6)}  ${paint("dim", source)}`.trimEnd(),
        );
    }
    lines.push("");

    // Judged with the run's policy config, so the section and disallow-public-risky-ports agree.
    const graph = graphOfResources(report.resources, configuredExposure(report.packs));
    lines.push(...exposureLines(graph, { risky: (text) => paint("red", text) }));
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
        lines.push(`    ${status} ${pack.name}@v${pack.version} (${pack.directory})`);
        for (const v of violations) {
            const level =
                v.enforcementLevel === "mandatory"
                    ? paint("red", "[mandatory]")
                    : paint("yellow", "[advisory]");
            lines.push(`        - ${level}  ${paint("bold", v.policyName)}  (${resourceLabel(v)})`);
            for (const messageLine of v.message.split("\n")) {
                lines.push(`          ${messageLine}`);
            }
            if (v.source) {
                lines.push(`          ${paint("dim", `at ${v.source}`)}`);
            }
        }
        const byUrn = new Map(report.resources.map((r) => [r.urn, r]));
        for (const r of pack.remediations) {
            const resource = byUrn.get(r.urn);
            const what = resource ? `${resource.type}: ${resource.name}` : r.urn;
            const label = r.diagnostic
                ? paint("yellow", "[remediation skipped]")
                : paint("green", "[remediated]");
            lines.push(`        - ${label}  ${paint("bold", r.policyName)}  (${what})`);
            lines.push(`          ${r.diagnostic ?? `${r.description} Inputs were changed before Analyze.`}`);
        }
        for (const log of pack.logs) {
            lines.push(`        ${paint("dim", `${log.severity}: ${log.message}`)}`);
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
