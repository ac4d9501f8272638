import * as path from "path";
import { EngineServer } from "./engineServer";
import { GateError } from "./errors";
import { reconcile, type PolicyPackConfigFile, type ReconciledPolicyConfig } from "./policyConfig";
import { encodeAnalyzeRequest, encodeStackResource, stackResourceFrom } from "./analyzerEncoding";
import { PolicyPackProcess, toViolation, type AnalyzerInfo, type Diagnostic } from "./policyPack";
import type { ProjectSettings } from "./project";
import type { AppliedRemediation, PackResult, RecordedResource } from "./types";
import { collectGarbage } from "./fullCollection";
import { lap } from "./profile";
import { RegisteredResources } from "./registeredResources";
import type { GateOutput } from "./output";

export interface PackConfigSource {
    readonly label: string;
    readonly config: PolicyPackConfigFile;
}

export interface RunPacksOptions {
    /** Policy pack directories, in order. */
    readonly packs: readonly string[];
    /**
     * Policy config: none, one for every pack, or one per pack in the same order (as the CLI pairs
     * `--policy-pack-config` with `--policy-pack`).
     */
    readonly configs?: readonly PackConfigSource[];
    /**
     * Each resource as the program registers it, to analyze while the program runs; by default the resources
     * are analyzed once `program` has settled.
     */
    readonly registered?: RegisteredResources;
    /** Requests in flight per pack; the analyzer answers each independently. */
    readonly concurrency?: number;
    /**
     * Where the packs' own output goes, and the run's secrets: every resource sent to a pack adds its secrets,
     * and every message a pack returns is scrubbed of them (a third-party policy may quote any value).
     */
    readonly output?: GateOutput;
    /** Deadline of each call to a pack, in milliseconds (`--pack-timeout`). */
    readonly callTimeoutMs?: number;
    /**
     * Analyze what is deployed, as `pulumi policy analyze --file` (the engine's `AnalyzeSnapshot`) does, instead
     * of a preview: no `ConfigureStack`; every resource, reads included, gets `Remediate` and `Analyze` on its
     * inputs, and a remediation is reported, not applied (one that could not run, its diagnostic, is an
     * advisory violation); `AnalyzeStack` sees every resource's outputs.
     *
     * Everything is known before the first call, so `AnalyzeStack` does not wait for the last `Analyze`: each pack
     * is started twice, one process answering `Remediate` and `Analyze`, the other `AnalyzeStack`, at once (see
     * `runPacks`).
     */
    readonly snapshot?: boolean;
    /** Options for the `node` running each pack (a heap size), before the runner's own arguments. */
    readonly packNodeArgs?: readonly string[];
    /** In a snapshot, options for the `node` of the process answering `AnalyzeStack` (default: `packNodeArgs`). */
    readonly stackPackNodeArgs?: readonly string[];
}

/**
 * Resources analyzed at once. A round trip is mostly waiting, not work: on the benchmark's 2,801-resource stack,
 * with 8 in flight about 1,600 resources had been analyzed when the program ended and the rest took 0.7 s more;
 * with 128, about 2,000 and 0.2 s. Results are collected by URN, in registration order, whatever order the
 * answers come in.
 */
const ANALYZE_CONCURRENCY = 128;

/**
 * Resources analyzed between two full collections of the gate's heap in a snapshot, where a pack judging the
 * whole stack runs alongside (`collectGarbage`): each takes 0.1–0.4 s with the 120 MB the command holds live
 * for `npm run bench`'s account.
 */
const SNAPSHOT_COLLECTION_INTERVAL = 10_000;

export interface PacksOutcome {
    readonly packs: PackResult[];
    /** Each resource's inputs after every remediation, in wire form. */
    readonly inputs: Map<string, Record<string, unknown>>;
}

interface ResourceOutcome {
    readonly inputs: Record<string, unknown>;
    readonly applied: AppliedRemediation[][];
    readonly found: Diagnostic[][];
}

/** The program's resources as a stream that ends when the program has finished or failed. */
function registeredFrom(
    program: readonly RecordedResource[] | Promise<readonly RecordedResource[]>,
): RegisteredResources {
    const registered = new RegisteredResources();
    Promise.resolve(program).then(
        (resources) => {
            resources.forEach((resource) => registered.push(resource));
            registered.end();
        },
        () => registered.end(),
    );
    return registered;
}

/**
 * Drives every pack as the engine does during a preview: `ConfigureStack`, `GetAnalyzerInfo`, `Configure` with
 * the reconciled config; then per resource, as soon as it is registered, every pack's `Remediate` (each pack
 * seeing the previous one's result) followed by every pack's `Analyze` on the remediated inputs; then, once
 * the program has finished, one `AnalyzeStack` per pack. Every
 * pack process and the engine server are stopped on every path.
 */
export async function runPacks(
    project: ProjectSettings,
    program: readonly RecordedResource[] | Promise<readonly RecordedResource[]>,
    options: RunPacksOptions,
): Promise<PacksOutcome> {
    const configs = options.configs ?? [];
    const snapshot = options.snapshot === true;
    if (configs.length > 1 && configs.length !== options.packs.length) {
        throw new GateError(
            "arguments",
            `--policy-pack-config was given ${configs.length} times for ${options.packs.length} policy packs; ` +
                "give it once (for every pack) or once per --policy-pack, in the same order",
        );
    }
    // The last line of defence: any pack may quote a secret value in what it says.
    const scrub = (text: string): string => options.output?.secrets.scrubText(text) ?? text;
    const engine = new EngineServer();
    const processes: PolicyPackProcess[] = [];
    let mark = performance.now();
    // A program that fails first leaves nothing to analyze: packs still starting (type-checking) are killed.
    const abort = new AbortController();
    Promise.resolve(program).catch(() => abort.abort());
    try {
        const engineAddress = await engine.start();
        const start = (nodeArgs: readonly string[] | undefined): Promise<PolicyPackProcess>[] =>
            options.packs.map((dir) =>
                PolicyPackProcess.start(dir, engineAddress, project, {
                    signal: abort.signal,
                    output: options.output,
                    callTimeoutMs: options.callTimeoutMs,
                    nodeArgs,
                }),
            );
        // In a snapshot every resource's outputs are known before the first call, so a pack's stack policies need
        // not wait for its resource policies: a second process of each pack judges the stack while the first
        // answers `Analyze`, on the other core. @pulumi/policy gives a policy nothing from one call to the next
        // but the pack's config, which both processes are given; the verdicts are those of one process.
        const started = await Promise.allSettled([
            ...start(options.packNodeArgs),
            ...(snapshot ? start(options.stackPackNodeArgs ?? options.packNodeArgs) : []),
        ]);
        for (const result of started) {
            if (result.status === "fulfilled") {
                processes.push(result.value);
            }
        }
        const failed = started.find((result) => result.status === "rejected");
        if (failed) {
            throw failed.reason;
        }
        /** The process of each pack answering `Remediate` and `Analyze`, and the one answering `AnalyzeStack`. */
        const analyzers = processes.slice(0, options.packs.length);
        const stackAnalyzers = snapshot ? processes.slice(options.packs.length) : analyzers;
        mark = lap("packs.start", mark);

        const infos: AnalyzerInfo[] = [];
        const packConfigs: Map<string, ReconciledPolicyConfig>[] = [];
        for (const [index, pack] of analyzers.entries()) {
            if (!snapshot) {
                await pack.configureStack(project);
            }
            infos.push(await pack.getAnalyzerInfo());
            if (stackAnalyzers[index] !== pack) {
                await stackAnalyzers[index].getAnalyzerInfo();
            }
        }
        const allPolicyNames = new Set(infos.flatMap((info) => info.policies.map((p) => p.name)));
        for (const [index, pack] of analyzers.entries()) {
            const info = infos[index];
            const source = configs.length === 1 ? configs[0] : configs[index];
            const reconciled = reconcile(
                info.name,
                info.policies,
                info.initialConfig,
                source?.config ?? {},
                source?.label ?? "--policy-pack-config",
                configs.length === 1 ? allPolicyNames : undefined,
            );
            await pack.configure(reconciled);
            if (stackAnalyzers[index] !== pack) {
                await stackAnalyzers[index].configure(reconciled);
            }
            packConfigs.push(reconciled);
            for (const policy of info.policies) {
                const level = reconciled.get(policy.name)?.enforcementLevel;
                if (level) {
                    Object.assign(policy, { enforcementLevel: level });
                }
            }
        }

        mark = lap("packs.configure", mark);
        const registered = options.registered ?? registeredFrom(program);
        const known = registered.known();
        // A pack remediates only through policies at level `remediate` (the level is what turns a policy's
        // remediation on); asking a pack with none is a round trip per resource that cannot change anything.
        const remediating = infos.map((info) =>
            info.policies.some((p) => p.enforcementLevel === "remediate"),
        );
        // What is deployed is judged as a whole from the start, while its resources are analyzed one by one.
        let stackAnswers: Promise<Diagnostic[][]> | undefined;
        let stackFailed = false;
        if (snapshot) {
            const deployed = await program;
            const deployedByUrn = new Map(deployed.map((resource) => [resource.urn, resource]));
            // Each pack's call takes the bytes as it sends them; the last lets them go.
            let request: Uint8Array | undefined = Buffer.concat(
                deployed.map((resource) => encodeStackResource(resource, resource.outputs, deployedByUrn)),
            );
            let untaken = stackAnalyzers.length;
            const take = (): Uint8Array => {
                const bytes = request as Uint8Array;
                if (--untaken === 0) {
                    request = undefined;
                }
                return bytes;
            };
            stackAnswers = Promise.all(
                stackAnalyzers.map((pack) => pack.analyzeStack(take, deployed.length)),
            );
            // A failure ends the analysis at once (below), not after the last resource: no more are sent.
            stackAnswers.catch(() => {
                stackFailed = true;
            });
            // What reading the account left behind goes now, before the stack's pack grows (`collectGarbage`).
            collectGarbage();
        }
        const perResource = new Map<string, ResourceOutcome>();
        /** Each resource as the `AnalyzeStack` request of a preview carries it, by URN. */
        const stackEncoded = new Map<string, Uint8Array>();
        // A stack or an account holds thousands of resources of types no resource policy of a pack looks at
        // (instances, VPCs...). @pulumi/policy answers such a resource without running anything: every enabled
        // resource policy typed to another type is "not applicable" (its fast path, before it even reads the
        // properties), so the answer is the same for every resource of that type. Once a pack has said so for a
        // type, no more resources of that type are sent to it: the outcome is the same.
        const inapplicableTypes = analyzers.map(() => new Set<string>());
        const enabledResourcePolicies = infos.map(
            (info) =>
                new Set(
                    info.policies
                        .filter((p) => p.type === "resource" && p.enforcementLevel !== "disabled")
                        .map((p) => p.name),
                ),
        );
        const analyzeUnlessInapplicable = async (
            index: number,
            resource: RecordedResource,
            request: () => Uint8Array,
        ): Promise<Diagnostic[]> => {
            if (inapplicableTypes[index].has(resource.type)) {
                return [];
            }
            const answer = await analyzers[index].analyze(resource, request());
            const typedElsewhere = new Set(
                answer.notApplicable
                    .filter(({ reason }) => {
                        const only = /^Policy only applies to resources of type '(.*)'$/.exec(reason);
                        return only !== null && only[1] !== resource.type;
                    })
                    .map(({ policyName }) => policyName),
            );
            if (
                answer.diagnostics.length === 0 &&
                [...enabledResourcePolicies[index]].every((name) => typedElsewhere.has(name))
            ) {
                inapplicableTypes[index].add(resource.type);
            }
            return answer.diagnostics;
        };
        /** Each resource's outcome, and its `AnalyzeRequest` as last sent (on its final inputs). */
        const analyzeOne = async (
            resource: RecordedResource,
        ): Promise<{ outcome: ResourceOutcome; request: () => Uint8Array }> => {
            options.output?.secrets.addResource(resource);
            let current = resource.inputs;
            // Encoded once for every pack and call, and again only when a remediation changes the inputs.
            let encoded: Uint8Array | undefined;
            const request = (): Uint8Array => (encoded ??= encodeAnalyzeRequest(resource, current, known));
            const applied: AppliedRemediation[][] = analyzers.map(() => []);
            const unapplied: Diagnostic[][] = analyzers.map(() => []);
            for (const [index, pack] of analyzers.entries()) {
                if (!remediating[index]) {
                    continue;
                }
                for (const remediation of await pack.remediate(resource, request())) {
                    if (snapshot && remediation.diagnostic) {
                        unapplied[index].push({
                            policyPack: infos[index].name,
                            policyPackVersion: infos[index].version,
                            policyName: remediation.policyName,
                            description: remediation.description,
                            message: remediation.diagnostic,
                            enforcementLevel: "advisory",
                            urn: resource.urn,
                        });
                        continue;
                    }
                    if (remediation.properties && !snapshot) {
                        current = remediation.properties;
                        encoded = undefined;
                    }
                    applied[index].push({
                        policyPack: infos[index].name,
                        policyName: remediation.policyName,
                        description: scrub(remediation.description),
                        urn: resource.urn,
                        diagnostic: remediation.diagnostic ? scrub(remediation.diagnostic) : null,
                    });
                }
            }
            const found = await Promise.all(
                analyzers.map((_pack, index) => analyzeUnlessInapplicable(index, resource, request)),
            );
            return {
                outcome: {
                    inputs: current,
                    applied,
                    found: found.map((list, index) => [...unapplied[index], ...list]),
                },
                request,
            };
        };
        // As the engine analyzes each resource at step generation, each is analyzed as soon as the program
        // registers it, while the program keeps running.
        let nextIndex = 0;
        // Failed calls, by registration index. A pack that stops answering fails every call in flight within a few
        // milliseconds of each other, in no set order (each call's deadline is set as it is sent): once one has
        // failed no more are sent, those in flight settle, and the first-registered resource's failure is reported.
        const failures: { readonly index: number; readonly error: unknown }[] = [];
        const worker = async (): Promise<void> => {
            for (;;) {
                const index = nextIndex++;
                const resource = await registered.at(index);
                if (!resource || abort.signal.aborted || stackFailed || failures.length > 0) {
                    return;
                }
                if (snapshot && nextIndex % SNAPSHOT_COLLECTION_INTERVAL === 0) {
                    collectGarbage();
                }
                if (snapshot || !resource.external) {
                    let analyzed: Awaited<ReturnType<typeof analyzeOne>>;
                    try {
                        analyzed = await analyzeOne(resource);
                    } catch (error) {
                        failures.push({ index, error });
                        return;
                    }
                    const { outcome, request } = analyzed;
                    perResource.set(resource.urn, outcome);
                    // A custom resource's planned outputs in a preview are its (remediated) inputs, final now, as
                    // last analyzed; a component's outputs are registered later, so it is encoded once the
                    // program has finished.
                    if (!snapshot && resource.custom) {
                        stackEncoded.set(resource.urn, stackResourceFrom(resource, request()));
                    }
                }
            }
        };
        const analysis = Promise.all(
            Array.from({ length: options.concurrency ?? ANALYZE_CONCURRENCY }, worker),
        ).then(() => {
            if (failures.length > 0) {
                throw failures.reduce((first, next) => (next.index < first.index ? next : first)).error;
            }
        });
        // Awaited only once the program has finished; a program failure is reported through `program`.
        analysis.catch(() => undefined);
        const resources = await program;
        resources.forEach((resource) => options.output?.secrets.addResource(resource));
        mark = lap("packs.analyzeDuringProgram", mark);
        // A stack pack that fails while resources are analyzed is reported then, with its own error.
        await (stackAnswers ? Promise.race([analysis, stackAnswers.then(() => analysis)]) : analysis);
        // The pack work the gate still waits for after the program has finished.
        mark = lap("packs.analyzeTail", mark);

        const byUrn = new Map(resources.map((r) => [r.urn, r]));
        const inputs = new Map<string, Record<string, unknown>>();
        const remediations: AppliedRemediation[][] = analyzers.map(() => []);
        const diagnostics: Diagnostic[][] = analyzers.map(() => []);
        // Collected in registration order, whatever order the answers came in. Reads of existing resources
        // are not steps the engine analyzes.
        for (const resource of resources) {
            const outcome = perResource.get(resource.urn);
            if ((resource.external && !snapshot) || !outcome) {
                continue;
            }
            inputs.set(resource.urn, outcome.inputs);
            outcome.applied.forEach((list, index) => remediations[index].push(...list));
            outcome.found.forEach((list, index) => diagnostics[index].push(...list));
        }

        let stackDiagnostics: Diagnostic[][];
        if (stackAnswers) {
            // The resource policies' processes hold nothing more that is needed.
            analyzers.forEach((pack) => pack.stop());
            stackDiagnostics = await stackAnswers;
        } else {
            // A custom resource's planned outputs in a preview are its (remediated) inputs; a component's are
            // what it registered.
            const request = Buffer.concat(
                resources.map(
                    (resource) =>
                        stackEncoded.get(resource.urn) ??
                        encodeStackResource(
                            resource,
                            resource.custom
                                ? (inputs.get(resource.urn) ?? resource.outputs)
                                : resource.outputs,
                            byUrn,
                        ),
                ),
            );
            stackDiagnostics = await Promise.all(
                analyzers.map((pack) => pack.analyzeStack(() => request, resources.length)),
            );
        }
        stackDiagnostics.forEach((list, index) => diagnostics[index].push(...list));
        lap("packs.analyzeStack", mark);

        const packs: PackResult[] = analyzers.map((pack, index) => ({
            config: Object.fromEntries(packConfigs[index]),
            name: infos[index].name,
            version: infos[index].version,
            directory: path.relative(process.cwd(), pack.directory) || ".",
            // Each policy as the pack described it, without its config schema (the reconciled config is above).
            policies: infos[index].policies.map(
                ({ properties: _schema, required: _required, ...policy }) => policy,
            ),
            violations: diagnostics[index].map((d) => toViolation({ ...d, message: scrub(d.message) })),
            remediations: remediations[index],
            logs: [],
        }));
        if (packs.length > 0) {
            packs[0].logs.push(...engine.logs.map((log) => ({ ...log, message: scrub(log.message) })));
        }
        return { packs, inputs };
    } finally {
        for (const pack of processes) {
            pack.stop();
        }
        engine.stop();
        await Promise.all(processes.map((pack) => pack.exited()));
    }
}
