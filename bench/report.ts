import type { Measurement } from "./measure";

/** Everything measured on one stack size. */
export interface SizeResult {
    readonly resources: number;
    /** (a) the program under plain `setMocks`, no policy. */
    readonly plain: Measurement;
    /** (b) `alicloud-sg preview` with the bundled pack. */
    readonly gate: Measurement;
    /** The gate's own phase timings (ALICLOUD_SG_PROFILE), in ms. */
    readonly phases: Readonly<Record<string, number>>;
    readonly summary: { resources: number; mandatory: number; advisory: number };
}

export interface Target {
    readonly name: string;
    readonly limit: string;
    readonly value: string;
    /** undefined when the run did not include the sizes the target needs. */
    readonly pass: boolean | undefined;
}

/** The targets are set on the 2,800-resource stack. */
export const REFERENCE_SIZE = 2800;
export const MAX_TIME_RATIO = 0.35;
export const MAX_MEMORY_RATIO = 0.6;
export const MAX_POLICY_SHARE = 0.2;
export const MAX_SCALING = 4.4;

/**
 * Peak memory of (a), plain setMocks, on the 2,800-resource stack as recorded in README "Performance"
 * (`npm run bench`). The benchmark's memory target in absolute terms is {@link MEMORY_TARGET_BYTES}.
 */
export const RECORDED_PLAIN_PEAK_BYTES = 2455 * 2 ** 20;
export const MEMORY_TARGET_BYTES = MAX_MEMORY_RATIO * RECORDED_PLAIN_PEAK_BYTES;

/**
 * The pack work the gate still waits for once the program has finished: the Analyze calls not yet answered
 * then, and AnalyzeStack (round trips included). Analyze calls answered while the program ran overlap it and
 * are not counted; the time they took from the program is in (b)'s wall time and in the "program" phase.
 */
export function policyWaitMs(result: SizeResult): number {
    return (result.phases["packs.analyzeTail"] ?? 0) + (result.phases["packs.analyzeStack"] ?? 0);
}

/** {@link policyWaitMs} over the gate's wall time. */
export function policyShare(result: SizeResult): number {
    return policyWaitMs(result) / result.gate.wallMs;
}

/** Pairs (N, 4N) among the measured sizes, within 10%. */
function quadruples(results: readonly SizeResult[]): [SizeResult, SizeResult][] {
    const pairs: [SizeResult, SizeResult][] = [];
    for (const small of results) {
        for (const large of results) {
            if (Math.abs(large.resources / small.resources - 4) < 0.4) {
                pairs.push([small, large]);
            }
        }
    }
    return pairs;
}

const fixed = (value: number, digits = 2): string => value.toFixed(digits);

export function evaluateTargets(results: readonly SizeResult[]): Target[] {
    const reference = results.find((r) => Math.abs(r.resources - REFERENCE_SIZE) / REFERENCE_SIZE < 0.1);
    const targets: Target[] = [];
    const onReference = (
        name: string,
        limit: string,
        compute: (r: SizeResult) => [number, boolean],
    ): void => {
        if (!reference) {
            targets.push({ name, limit, value: "not measured", pass: undefined });
            return;
        }
        const [value, pass] = compute(reference);
        targets.push({ name: `${name} @${reference.resources}`, limit, value: fixed(value), pass });
    };
    onReference("time (b)/(a)", `<= ${MAX_TIME_RATIO}`, (r) => {
        const ratio = r.gate.wallMs / r.plain.wallMs;
        return [ratio, ratio <= MAX_TIME_RATIO];
    });
    onReference("peak memory (b)/(a)", `<= ${MAX_MEMORY_RATIO}`, (r) => {
        const ratio = r.gate.peakRssBytes / r.plain.peakRssBytes;
        return [ratio, ratio <= MAX_MEMORY_RATIO];
    });
    onReference("policy evaluation share of (b)", `< ${MAX_POLICY_SHARE}`, (r) => {
        const share = policyShare(r);
        return [share, share < MAX_POLICY_SHARE];
    });
    const pairs = quadruples(results);
    if (pairs.length === 0) {
        targets.push({
            name: "time(4N)/time(N) of (b)",
            limit: `<= ${MAX_SCALING}`,
            value: "not measured",
            pass: undefined,
        });
    }
    for (const [small, large] of pairs) {
        const ratio = large.gate.wallMs / small.gate.wallMs;
        targets.push({
            name: `time(4N)/time(N) of (b), ${small.resources} -> ${large.resources}`,
            limit: `<= ${MAX_SCALING}`,
            value: fixed(ratio),
            pass: ratio <= MAX_SCALING,
        });
    }
    return targets;
}

function table(rows: readonly (readonly string[])[]): string[] {
    const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
    return rows.map((row) =>
        row
            .map((cell, column) =>
                column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
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

const seconds = (ms: number): string => `${fixed(ms / 1000, 1)} s`;
const megabytes = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MB`;

export function formatTable(
    results: readonly SizeResult[],
    targets: readonly Target[],
    machine: { cpus: number; node: string },
): string {
    const lines = [`Offline gate benchmark (${machine.cpus} CPUs, Node ${machine.node})`, ""];
    lines.push(
        ...table([
            [
                "resources",
                "(a) time",
                "(a) peak",
                "(b) time",
                "(b) peak",
                "time b/a",
                "mem b/a",
                "program",
                "pack start",
                "policy eval",
                "policy share",
                "mandatory",
                "advisory",
            ],
            ...results.map((r) => [
                String(r.resources),
                seconds(r.plain.wallMs),
                megabytes(r.plain.peakRssBytes),
                seconds(r.gate.wallMs),
                megabytes(r.gate.peakRssBytes),
                fixed(r.gate.wallMs / r.plain.wallMs),
                fixed(r.gate.peakRssBytes / r.plain.peakRssBytes),
                seconds(r.phases.program ?? 0),
                seconds((r.phases["packs.start"] ?? 0) + (r.phases["packs.configure"] ?? 0)),
                seconds(policyWaitMs(r)),
                `${fixed(policyShare(r) * 100, 1)} %`,
                String(r.summary.mandatory),
                String(r.summary.advisory),
            ]),
        ]),
    );
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
export const MAX_ACCOUNT_SECONDS = 60;
export const MAX_ACCOUNT_BYTES = 2 * 2 ** 30;

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
            ["time", "cpu (all processes)", "peak", "load", "pack start", "Analyze", "AnalyzeStack"],
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
