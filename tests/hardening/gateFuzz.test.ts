import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { riskyPresetPorts } from "../../core/presets";
import { ROOT, runCli, type CliResult } from "../cli/run";
import {
    programSource,
    reference,
    stackArbitrary,
    stackSource,
    type Finding,
    type StackSpec,
} from "./fuzzStack";

/**
 * The gate itself, fuzzed: random programs run through the real `alicloud-sg preview` with the bundled pack.
 * Each run spawns the gate, so runs are few and each batches several stacks into one program.
 */

const MANDATORY_RULE_INDEPENDENT = [
    "missing-security-group-tags",
    "disallow-excess-security-groups",
    "disallow-cross-network-membership",
];
const STACKS_PER_RUN = 6;

interface Violation {
    readonly policyName: string;
    readonly enforcementLevel: string;
    readonly resourceName: string | null;
    readonly message: string;
}

function projectDir(label: string): string {
    fs.mkdirSync(path.join(ROOT, ".tmp"), { recursive: true });
    // Under the package root, so that the program resolves @pulumi/alicloud like a user's project.
    return fs.mkdtempSync(path.join(ROOT, ".tmp", `fuzz-${label}-`));
}

function writeProject(dir: string, source: string): void {
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: fuzz\nruntime: nodejs\n");
    fs.writeFileSync(path.join(dir, "index.ts"), source);
}

function hasInvalidRule(stack: StackSpec): boolean {
    return stack.groups.some((group) =>
        group.rules.some(
            (rule) =>
                rule.peer.kind === "none" ||
                rule.peer.kind === "both" ||
                (rule.priority !== undefined && (rule.priority < 1 || rule.priority > 100)) ||
                ["200/1", "0/22", "22/70000"].includes(rule.portRange) ||
                (rule.portRange === "-1/-1") !== !["tcp", "udp"].includes(rule.protocol) ||
                (rule.nicType === "internet" && (group.vpc || rule.peer.kind === "group")),
        ),
    );
}

const key = (f: Finding): string => `${f.policy} ${f.name}`;

function parseReport(result: CliResult): Violation[] {
    assert.ok(result.code === 0 || result.code === 1, `the gate exited ${result.code}:\n${result.stderr}`);
    const doc = JSON.parse(result.stdout) as { violations: Violation[] };
    const mandatory = doc.violations.filter((v) => v.enforcementLevel === "mandatory");
    assert.equal(
        result.code,
        mandatory.length > 0 ? 1 : 0,
        "exit status must say whether a mandatory violation was found",
    );
    return mandatory;
}

describe("hardening: the gate over fuzzed programs", function () {
    this.timeout(300_000);
    const dirs: string[] = [];
    after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

    it("agrees with the reference evaluator on every mandatory finding of random stacks", async () => {
        const riskyPorts = riskyPresetPorts();
        await fc.assert(
            fc.asyncProperty(
                fc
                    .array(fc.tuple(fc.boolean(), fc.nat()), {
                        minLength: STACKS_PER_RUN,
                        maxLength: STACKS_PER_RUN,
                    })
                    .chain((kinds) => fc.tuple(...kinds.map(([invalid]) => stackArbitrary(invalid)))),
                async (stacks) => {
                    const prefixes = stacks.map((_, i) => `s${i}-`);
                    const dir = projectDir("stacks");
                    dirs.push(dir);
                    writeProject(
                        dir,
                        programSource(stacks.map((stack, i) => stackSource(stack, prefixes[i]))),
                    );
                    const violations = parseReport(await runCli(["preview", dir, "--format", "json"]));
                    stacks.forEach((stack, i) => {
                        const prefix = prefixes[i];
                        const mine = violations.filter((v) => v.resourceName?.startsWith(prefix));
                        const expected = reference(stack, prefix, riskyPorts);
                        // A rejected rule may still be judged by other policies as written; with one in the stack,
                        // only what does not depend on rule semantics is compared. Exposure is compared in every
                        // stack: a rule the API rejects takes no part in it.
                        const invalid = hasInvalidRule(stack);
                        const judged = (policy: string): boolean =>
                            !invalid ||
                            policy === "disallow-invalid-rule" ||
                            MANDATORY_RULE_INDEPENDENT.includes(policy);
                        const actual = mine
                            .filter(
                                (v) => v.policyName !== "disallow-public-risky-ports" && judged(v.policyName),
                            )
                            .map((v) => `${v.policyName} ${v.resourceName}`);
                        assert.deepEqual(
                            [...new Set(actual)].sort(),
                            expected.findings
                                .filter((f) => judged(f.policy))
                                .map(key)
                                .sort(),
                            `stack ${prefix}: ${JSON.stringify(stack)}`,
                        );
                        const flagged = new Set(
                            mine
                                .filter((v) => v.policyName === "disallow-public-risky-ports")
                                .map((v) => v.resourceName ?? "(no resource)"),
                        );
                        const candidates = new Set(expected.exposures.flatMap((e) => e.accepts));
                        for (const name of flagged) {
                            assert.ok(
                                candidates.has(name),
                                `stack ${prefix}: ${name} flagged without exposure: ${JSON.stringify(stack)}`,
                            );
                        }
                        for (const exposure of expected.exposures) {
                            assert.ok(
                                exposure.accepts.some((name) => flagged.has(name)),
                                `stack ${prefix}: exposure through ${exposure.accepts.join(", ")} not reported: ${JSON.stringify(stack)}`,
                            );
                        }
                    });
                },
            ),
            { numRuns: 3, endOnFailure: true },
        );
    });

    it("exits 2, with the program's own message and line, only for programs that fail", async () => {
        const failures = fc.record({
            kind: fc.constantFrom("throw", "reject", "duplicate", "reference"),
            before: stackArbitrary(false),
            token: fc.stringMatching(/^[a-z]{6,12}$/),
        });
        await fc.assert(
            fc.asyncProperty(failures, async ({ kind, before, token }) => {
                const statements = stackSource(before, "ok-");
                const failing = {
                    throw: `throw new Error("fuzz failure ${token}");`,
                    reject: `new alicloud.ecs.SecurityGroup("late", { description: Promise.reject(new Error("fuzz failure ${token}")) as never });`,
                    duplicate: `new alicloud.ecs.SecurityGroup("dup-${token}", {}); new alicloud.ecs.SecurityGroup("dup-${token}", {});`,
                    reference: `(globalThis as never as { missing: { fuzz: string } }).missing.fuzz; // ${token}`,
                }[kind];
                const dir = projectDir("fails");
                dirs.push(dir);
                writeProject(dir, programSource([statements, [failing]]));
                const result = await runCli(["preview", dir, "--format", "json"]);
                assert.equal(
                    result.code,
                    2,
                    `${kind}: expected exit 2, got ${result.code}:\n${result.stderr}`,
                );
                // DESIGN §3: exit 2 still reports, as JSON's error document carrying the message on stderr.
                assert.deepEqual(
                    (JSON.parse(result.stdout) as { error: { message: string } }).error.message,
                    result.stderr
                        .slice(result.stderr.indexOf("alicloud-sg: ") + "alicloud-sg: ".length)
                        .trimEnd(),
                    "a failed program's JSON report carries its message",
                );
                const line = programSource([statements, [failing]]).split("\n").length - 1;
                const expected = {
                    throw: [`fuzz failure ${token}`, `index.ts:${line}`],
                    reject: [`fuzz failure ${token}`],
                    duplicate: [`Duplicate resource URN`, `dup-${token}`, `index.ts:${line}`],
                    reference: ["fuzz", `index.ts:${line}`],
                }[kind];
                for (const text of expected) {
                    assert.ok(
                        result.stderr.includes(text),
                        `${kind}: stderr lacks ${JSON.stringify(text)}:\n${result.stderr}`,
                    );
                }
            }),
            { numRuns: 4, endOnFailure: true },
        );
    });
});
