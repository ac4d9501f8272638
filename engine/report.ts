import { POLICY_PACK_NAME, RISKY_PORTS_POLICY, SAME_CAUSE_POLICIES } from "../core/policyDefaults";
import type { ProjectSettings } from "./project";
import type {
    AppliedRemediation,
    PackResult,
    RecordedInvoke,
    RecordedResource,
    SourcePosition,
} from "./types";
import { isPortNumber } from "../core/limits";
import { positionLabel } from "./userFrames";
import { toDisplayValue } from "./wire";

/** One violation as DESIGN §3's JSON document states it. */
export interface ReportViolation {
    readonly policyPack: string;
    readonly policyName: string;
    readonly enforcementLevel: "mandatory" | "advisory";
    readonly message: string;
    readonly urn: string | null;
    readonly resourceType: string | null;
    readonly resourceName: string | null;
    readonly source: string | null;
}

/** A data source the program called, and how it was answered offline. */
export interface ReportInvoke {
    readonly token: string;
    /** Display form: unknowns `"[unknown]"`, secrets `"[secret]"`. */
    readonly args: unknown;
    readonly answer: "unknown" | "pinned";
    readonly source: string | null;
}

/** DESIGN §3's `--format json` document, exactly, and the data sources answered offline. */
export interface ReportDocument {
    readonly project: string;
    readonly stack: string;
    readonly resources: { urn: string; type: string; name: string; parent: string | null; inputs: unknown }[];
    readonly invokes: ReportInvoke[];
    readonly policyPacks: { name: string; version: string }[];
    readonly violations: ReportViolation[];
    readonly summary: { resources: number; mandatory: number; advisory: number };
}

/**
 * What a report judged: a program previewed offline, or what is already deployed (a stack export, an account's
 * API responses), which `alicloud-sg audit` analyzes as `pulumi policy analyze --file` does.
 */
export interface ReportOrigin {
    readonly kind: "preview" | "audit";
    /** The text report's first line. */
    readonly title: string;
    /** What the gate could not know, said in every report. */
    readonly limitations: string;
}

/**
 * One thing to fix: the violations several policies of the bundled pack report on one rule for one root cause
 * (SSH from anywhere: `disallow-broad-intranet-cidr` and `disallow-public-risky-ports`), each keeping its own
 * judgement; any other violation is a problem of its own. Its level is the strongest of its violations.
 */
export interface ReportProblem {
    readonly enforcementLevel: "mandatory" | "advisory";
    /** In report order; the first is the problem's headline. */
    readonly violations: readonly ReportViolation[];
}

/** Everything a renderer may use; `document` is what JSON prints. */
export interface Report {
    readonly document: ReportDocument;
    readonly origin: ReportOrigin;
    /** The violations grouped into problems, mandatory ones first, in report order. */
    readonly problems: readonly ReportProblem[];
    readonly projectDir: string;
    readonly resources: readonly RecordedResource[];
    readonly packs: readonly PackResult[];
    readonly remediations: readonly AppliedRemediation[];
    /** Source position per URN, for text and SARIF. */
    readonly sources: ReadonlyMap<string, SourcePosition>;
    /** The data sources the program called, as recorded (positions absolute). */
    readonly invokes: readonly RecordedInvoke[];
    /** What this run could not know beyond its origin's limitations (e.g. ESC environments), one line each. */
    readonly notes: readonly string[];
}

/** What mocks cannot know, said in every report. */
export const MOCK_LIMITATIONS =
    "Offline preview under the SDK's mock runtime: provider defaults and autonames were not applied, " +
    "ids and provider-computed outputs are unknown, and there is no default provider or root Stack resource.";

export function previewOrigin(project: ProjectSettings): ReportOrigin {
    return {
        kind: "preview",
        title: `Previewing ${project.name} (stack ${project.stack}), offline`,
        limitations: MOCK_LIMITATIONS,
    };
}

/** What a data source answered offline means for the report, said the same way in every format. */
export function invokeNote(call: ReportInvoke): string {
    const how =
        call.answer === "pinned"
            ? "with the answer pinned by --invokes"
            : "as unknown, as in a preview: nothing derived from its result is known (pin an answer with --invokes FILE)";
    return `The data source ${call.token} was answered offline ${how}.`;
}

export function sourceLabel(source: SourcePosition | null | undefined, projectDir: string): string | null {
    return source ? positionLabel(source, projectDir) : null;
}

/** Mandatory first, then by pack, policy and URN, so output is stable whatever order the packs answered in. */
function compareViolations(a: ReportViolation, b: ReportViolation): number {
    const level = (v: ReportViolation): number => (v.enforcementLevel === "mandatory" ? 0 : 1);
    return (
        level(a) - level(b) ||
        a.policyPack.localeCompare(b.policyPack) ||
        a.policyName.localeCompare(b.policyName) ||
        (a.urn ?? "").localeCompare(b.urn ?? "") ||
        a.message.localeCompare(b.message)
    );
}

export function buildReport(
    project: ProjectSettings,
    resources: readonly RecordedResource[],
    packs: readonly PackResult[],
    finalInputs: ReadonlyMap<string, Record<string, unknown>>,
    origin: ReportOrigin = previewOrigin(project),
    invokes: readonly RecordedInvoke[] = [],
    notes: readonly string[] = [],
): Report {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const sources = new Map<string, SourcePosition>();
    for (const resource of resources) {
        if (resource.source) {
            sources.set(resource.urn, resource.source);
        }
    }
    const violations: ReportViolation[] = packs
        .flatMap((pack) => pack.violations)
        .map((v) => {
            const resource = v.urn ? byUrn.get(v.urn) : undefined;
            return {
                policyPack: v.policyPack,
                policyName: v.policyName,
                enforcementLevel: v.enforcementLevel,
                message: v.message,
                urn: v.urn,
                resourceType: resource?.type ?? null,
                resourceName: resource?.name ?? null,
                source: v.urn ? sourceLabel(sources.get(v.urn), project.dir) : null,
            };
        })
        .sort(compareViolations);
    const document: ReportDocument = {
        project: project.name,
        stack: project.stack,
        resources: resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            parent: r.parent,
            inputs: toDisplayValue(finalInputs.get(r.urn) ?? r.inputs),
        })),
        invokes: invokes.map((call) => ({
            token: call.token,
            args: toDisplayValue(call.args),
            answer: call.answer,
            source: sourceLabel(call.source, project.dir),
        })),
        policyPacks: packs.map((p) => ({ name: p.name, version: p.version })),
        violations,
        summary: {
            resources: resources.length,
            mandatory: violations.filter((v) => v.enforcementLevel === "mandatory").length,
            advisory: violations.filter((v) => v.enforcementLevel === "advisory").length,
        },
    };
    return {
        document,
        origin,
        problems: problemsOf(violations),
        projectDir: project.dir,
        resources,
        packs,
        remediations: packs.flatMap((p) => p.remediations),
        sources,
        invokes,
        notes,
    };
}

/** Groups violations into problems: the bundled pack's same-cause policies on one resource are one problem. */
export function problemsOf(violations: readonly ReportViolation[]): ReportProblem[] {
    const problems: ReportViolation[][] = [];
    const byCause = new Map<string, ReportViolation[]>();
    for (const violation of violations) {
        const sameCause =
            violation.urn !== null &&
            violation.policyPack === POLICY_PACK_NAME &&
            SAME_CAUSE_POLICIES.includes(violation.policyName);
        const key = sameCause ? JSON.stringify([violation.policyPack, violation.urn]) : undefined;
        const existing = key !== undefined ? byCause.get(key) : undefined;
        if (existing) {
            existing.push(violation);
            continue;
        }
        const problem = [violation];
        problems.push(problem);
        if (key !== undefined) {
            byCause.set(key, problem);
        }
    }
    return problems
        .map((list) => ({
            enforcementLevel: list.some((v) => v.enforcementLevel === "mandatory")
                ? ("mandatory" as const)
                : ("advisory" as const),
            violations: list,
        }))
        .sort((a, b) =>
            a.enforcementLevel === b.enforcementLevel ? 0 : a.enforcementLevel === "mandatory" ? -1 : 1,
        );
}

/**
 * The ports the bundled pack judged as risky in this run: its `disallow-public-risky-ports` setting after
 * defaults and `--policy-pack-config`. Undefined when that pack or policy did not run, or the setting is not a
 * port list.
 */
function configuredRiskyPorts(packs: readonly PackResult[]): readonly number[] | undefined {
    for (const pack of packs) {
        const policy = pack.name === POLICY_PACK_NAME ? pack.config[RISKY_PORTS_POLICY] : undefined;
        const ports = policy?.properties.riskyPorts;
        if (policy?.enforcementLevel !== "disabled" && Array.isArray(ports) && ports.every(isPortNumber)) {
            return ports as number[];
        }
    }
    return undefined;
}

/**
 * The settings the bundled pack judged exposure with in this run: `riskyPorts` and the prefix limits of its
 * `disallow-public-risky-ports` after defaults and `--policy-pack-config`; each undefined when not configured.
 */
export function configuredExposure(packs: readonly PackResult[]): {
    riskyPorts?: readonly number[];
    minIpv4Prefix?: number;
    minIpv6Prefix?: number;
} {
    const policy = packs.find((pack) => pack.name === POLICY_PACK_NAME)?.config[RISKY_PORTS_POLICY];
    const prefix = (value: unknown) => (Number.isInteger(value) ? (value as number) : undefined);
    return {
        riskyPorts: configuredRiskyPorts(packs),
        minIpv4Prefix: prefix(policy?.properties.minIpv4Prefix),
        minIpv6Prefix: prefix(policy?.properties.minIpv6Prefix),
    };
}

/** DESIGN §3: 0 without a mandatory violation, 1 with at least one. */
export function exitCodeFor(report: Report): 0 | 1 {
    return report.document.summary.mandatory > 0 ? 1 : 0;
}
