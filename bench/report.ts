import type { Measurement } from "./measure";

/** The synthetic stacks: the org stack (heavy in ECS instances) and the rule-heavy one (groups and rules). */
export type Profile = "org" | "rules";

/** One `alicloud-sg preview` run. */
export interface PreviewRun {
    readonly gate: Measurement;
    /** The gate's own phase timings (ALICLOUD_SG_PROFILE), in ms. */
    readonly phases: Readonly<Record<string, number>>;
    readonly summary: { resources: number; mandatory: number; advisory: number };
}

/** Everything measured on one stack; the run itself is (b), `alicloud-sg preview` with the bundled pack. */
export interface SizeResult extends PreviewRun {
    readonly profile: Profile;
    readonly resources: number;
    /** (a) the program under plain `setMocks`, no policy; absent on the scaling sizes, which time (b) only. */
    readonly plain?: Measurement;
    /** The floor: the same program under plain `setMocks` with `Error.stackTraceLimit = 0`. */
    readonly floor?: Measurement;
    /**
     * (b) with a pack of the bundled pack's policies doing nothing (`bench/emptyPack.ts`): what the analyzer
     * protocol and `@pulumi/policy` cost before any policy runs. Measured where the baselines are.
     */
    readonly emptyPack?: PreviewRun;
}

export interface Target {
    readonly name: string;
    readonly limit: string;
    readonly value: string;
    /** undefined when the run did not include the sizes the target needs. */
    readonly pass: boolean | undefined;
}

/** The targets are set on the 2,800-resource stacks. */
const REFERENCE_SIZE = 2800;
const MAX_TIME_RATIO = 0.35;
const MAX_FLOOR_RATIO = 1.15;
const MAX_MEMORY_RATIO = 0.6;
const MAX_POLICY_SHARE = 0.1;
const MAX_SCALING = 4.4;
const MAX_DOUBLING = 2.2;

/**
 * Peak memory of (a), plain setMocks, on the 2,800-resource org stack as recorded in README "Performance"
 * (`npm run bench`). The benchmark's memory target in absolute terms is {@link MEMORY_TARGET_BYTES}.
 */
const RECORDED_PLAIN_PEAK_BYTES = 2455 * 2 ** 20;
export const MEMORY_TARGET_BYTES = MAX_MEMORY_RATIO * RECORDED_PLAIN_PEAK_BYTES;

/**
 * The pack work the gate still waits for once the program has finished: the Analyze calls not yet answered
 * then, and AnalyzeStack (round trips included). Analyze calls answered while the program ran overlap it and
 * are not counted; the time they took from the program is in (b)'s wall time and in the "program" phase.
 */
function policyWaitMs(result: PreviewRun): number {
    return (result.phases["packs.analyzeTail"] ?? 0) + (result.phases["packs.analyzeStack"] ?? 0);
}

/** {@link policyWaitMs} over the gate's wall time. */
function policyShare(result: PreviewRun): number {
    return policyWaitMs(result) / result.gate.wallMs;
}

/** Pairs (N, factor × N) of one profile among the measured sizes, within 10 %. */
function pairs(results: readonly SizeResult[], factor: number): [SizeResult, SizeResult][] {
    const found: [SizeResult, SizeResult][] = [];
    for (const small of results) {
        for (const large of results) {
            if (
                small.profile === large.profile &&
                Math.abs(large.resources / small.resources - factor) < factor * 0.1
            ) {
                found.push([small, large]);
            }
        }
    }
    return found;
}

const fixed = (value: number, digits = 2): string => value.toFixed(digits);

export function evaluateTargets(results: readonly SizeResult[], profiles: readonly Profile[]): Target[] {
    const targets: Target[] = [];
    for (const profile of profiles) {
        const reference = results.find(
            (r) =>
                r.profile === profile &&
                r.plain !== undefined &&
                Math.abs(r.resources - REFERENCE_SIZE) / REFERENCE_SIZE < 0.1,
        );
        const onReference = (
            name: string,
            limit: string,
            compute: (r: SizeResult & { plain: Measurement; floor: Measurement }) => number,
            digits = 2,
        ): void => {
            if (!reference?.plain || !reference.floor) {
                targets.push({ name: `${profile}: ${name}`, limit, value: "not measured", pass: undefined });
                return;
            }
            const value = compute({ ...reference, plain: reference.plain, floor: reference.floor });
            const [op, bound] = limit.split(" ");
            targets.push({
                name: `${profile} @${reference.resources}: ${name}`,
                limit,
                value: fixed(value, digits),
                pass: op === "<" ? value < Number(bound) : value <= Number(bound),
            });
        };
        onReference("time (b)/(a)", `<= ${MAX_TIME_RATIO}`, (r) => r.gate.wallMs / r.plain.wallMs);
        onReference("time (b)/floor", `<= ${MAX_FLOOR_RATIO}`, (r) => r.gate.wallMs / r.floor.wallMs);
        onReference("pack work after the program / (b)", `< ${MAX_POLICY_SHARE}`, policyShare, 3);
        onReference(
            "peak memory (b)/(a)",
            `<= ${MAX_MEMORY_RATIO}`,
            (r) => r.gate.peakRssBytes / r.plain.peakRssBytes,
        );
    }
    const scaling = (factor: number, limit: number, label: string): void => {
        const found = pairs(results, factor);
        if (found.length === 0) {
            targets.push({
                name: `${label} of (b)`,
                limit: `<= ${limit}`,
                value: "not measured",
                pass: undefined,
            });
        }
        for (const [small, large] of found) {
            const ratio = large.gate.wallMs / small.gate.wallMs;
            targets.push({
                name: `${small.profile}: ${label} of (b), ${small.resources} -> ${large.resources}`,
                limit: `<= ${limit}`,
                value: fixed(ratio),
                pass: ratio <= limit,
            });
        }
    };
    scaling(4, MAX_SCALING, "time(4N)/time(N)");
    scaling(2, MAX_DOUBLING, "time(2N)/time(N)");
    return targets;
}

function table(rows: readonly (readonly string[])[]): string[] {
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    return rows.map((row) =>
        row
            .map((cell, column) =>
                column <= 1 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
            )
            .join("  "),
    );
}

function targetTable(targets: readonly Target[]): string[] {
    return table([
        ["target", "limit", "measured", "result"],
        ...targets.map((t) => [
            t.name,
            t.limit,
            t.value,
            t.pass === undefined ? "n/a" : t.pass ? "PASS" : "FAIL",
        ]),
    ]);
}

const percent = (share: number): string => `${fixed(share * 100, 1)} %`;
const seconds = (ms: number): string => `${fixed(ms / 1000, 1)} s`;
const megabytes = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MB`;
const orDash = <T>(value: T | undefined, show: (value: T) => string): string =>
    value === undefined ? "-" : show(value);

export function formatTable(
    results: readonly SizeResult[],
    targets: readonly Target[],
    machine: { cpus: number; node: string; loadAverage: number },
): string {
    const lines = [
        `Offline gate benchmark (${machine.cpus} CPUs, load average ${fixed(machine.loadAverage, 1)} at the start, Node ${machine.node})`,
        "",
    ];
    lines.push(
        ...table([
            [
                "profile",
                "resources",
                "(a) time",
                "(a) peak",
                "floor time",
                "(b) time",
                "(b) peak",
                "time b/a",
                "time b/floor",
                "mem b/a",
                "program",
                "pack start",
                "after program",
                "share",
                "share, empty pack",
                "mandatory",
                "advisory",
            ],
            ...results.map((r) => [
                r.profile,
                String(r.resources),
                orDash(r.plain, (m) => seconds(m.wallMs)),
                orDash(r.plain, (m) => megabytes(m.peakRssBytes)),
                orDash(r.floor, (m) => seconds(m.wallMs)),
                seconds(r.gate.wallMs),
                megabytes(r.gate.peakRssBytes),
                orDash(r.plain, (m) => fixed(r.gate.wallMs / m.wallMs)),
                orDash(r.floor, (m) => fixed(r.gate.wallMs / m.wallMs)),
                orDash(r.plain, (m) => fixed(r.gate.peakRssBytes / m.peakRssBytes)),
                seconds(r.phases.program ?? 0),
                seconds((r.phases["packs.start"] ?? 0) + (r.phases["packs.configure"] ?? 0)),
                seconds(policyWaitMs(r)),
                percent(policyShare(r)),
                orDash(r.emptyPack, (run) => percent(policyShare(run))),
                String(r.summary.mandatory),
                String(r.summary.advisory),
            ]),
        ]),
    );
    if (results.some((r) => r.emptyPack)) {
        lines.push(
            "",
            "share, empty pack: the same preview with a pack of the bundled pack's policies doing nothing (same names,",
            "levels and resource types): the pack work after the program that the analyzer protocol and @pulumi/policy",
            "cost before any policy runs, which no policy code can go below.",
        );
    }
    lines.push("", ...targetTable(targets));
    return lines.join("\n") + "\n";
}

/** The account audit: `alicloud-sg audit --aliyun` over a generated account (`bench/account.ts`). */
export interface AccountResult {
    readonly groups: number;
    readonly rules: number;
    readonly instances: number;
    readonly audit: Measurement;
    readonly phases: Readonly<Record<string, number>>;
    readonly summary: { resources: number; mandatory: number; advisory: number };
}

/** The targets for an account of 5,000 groups, 50,000 rules and 20,000 instances. */
const MAX_ACCOUNT_SECONDS = 60;
const MAX_ACCOUNT_BYTES = 2 * 2 ** 30;

export function accountTargets(result: AccountResult): Target[] {
    const seconds = result.audit.wallMs / 1000;
    return [
        {
            name: "account audit time",
            limit: `< ${MAX_ACCOUNT_SECONDS} s`,
            value: `${fixed(seconds, 1)} s`,
            pass: seconds < MAX_ACCOUNT_SECONDS,
        },
        {
            name: "account audit peak memory (all processes)",
            limit: `< ${megabytes(MAX_ACCOUNT_BYTES)}`,
            value: megabytes(result.audit.peakRssBytes),
            pass: result.audit.peakRssBytes < MAX_ACCOUNT_BYTES,
        },
    ];
}

export function formatAccount(result: AccountResult, targets: readonly Target[], machine: string): string {
    const phase = (name: string) => seconds(result.phases[name] ?? 0);
    const lines = [
        `Account audit ${machine}: ${result.groups} groups, ${result.rules} rules, ${result.instances} instances ` +
            `(${result.summary.resources} resources; ${result.summary.mandatory} mandatory, ${result.summary.advisory} advisory)`,
        "",
        ...table([
            ["time", "cpu (all processes)", "peak", "load", "pack start", "Analyze", "AnalyzeStack after"],
            [
                seconds(result.audit.wallMs),
                `${fixed(result.audit.cpuSeconds, 1)} s`,
                megabytes(result.audit.peakRssBytes),
                phase("load"),
                seconds((result.phases["packs.start"] ?? 0) + (result.phases["packs.configure"] ?? 0)),
                seconds(
                    (result.phases["packs.analyzeDuringProgram"] ?? 0) +
                        (result.phases["packs.analyzeTail"] ?? 0),
                ),
                phase("packs.analyzeStack"),
            ],
        ]),
        "",
        ...targetTable(targets),
    ];
    return lines.join("\n") + "\n";
}
