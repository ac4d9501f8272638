import { spawn, type ChildProcessWithoutNullStreams } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as analyzerPbTypes from "@pulumi/pulumi/proto/analyzer_pb";
import { childMarker, trackChild } from "./children";
import { childHeapArgs, HEAP_SHARE, outOfHeapMessage, ranOutOfHeap } from "./childHeap";
import type { GateOutput } from "./output";
import { GateError } from "./errors";
import { type PolicyPackConfigFile, type ReconciledPolicyConfig } from "./policyConfig";
import { loadSdk, pulumiSdkDir } from "./sdk";
import type { ProjectSettings } from "./project";
import type {
    EnforcementLevel,
    PolicyDescription,
    PolicySeverity,
    RecordedResource,
    Violation,
} from "./types";

type AnalyzerClient = grpcTypes.Client & Record<string, unknown>;

/** How long a pack may take to print its port: the runner type-checks a TypeScript pack with ts-node first. */
const PACK_START_TIMEOUT_MS = 120_000;

/**
 * How long the gate waits for a pack to answer one call (`--pack-timeout`, `ALICLOUD_SG_PACK_TIMEOUT`). Generous:
 * `AnalyzeStack` of 11,200 resources takes about 3 s here; a pack that has not answered in five minutes is hung.
 */
export const DEFAULT_PACK_CALL_TIMEOUT_MS = 300_000;

/** How much of a pack's stderr is kept for its error messages: the end, where the error is. */
const STDERR_KEPT = 64 * 1024;

export interface PackProcessOptions {
    /** Aborted when the program fails while the pack is still starting: nothing will be analyzed. */
    readonly signal?: AbortSignal;
    /** Where the pack's own output goes (scrubbed of the run's secrets); stderr when absent. */
    readonly output?: GateOutput;
    /** Deadline of each call, in milliseconds; {@link DEFAULT_PACK_CALL_TIMEOUT_MS} when absent. */
    readonly callTimeoutMs?: number;
    /** Options for the `node` running the pack (a heap size), before the runner's own arguments. */
    readonly nodeArgs?: readonly string[];
}

/** A gRPC status code the gate explains: the call's deadline passed, or the pack went away. */
const DEADLINE_EXCEEDED = 4;
const UNAVAILABLE = 14;
const CANCELLED = 1;

export interface AnalyzerInfo {
    readonly name: string;
    readonly version: string;
    readonly policies: (PolicyDescription & { properties?: Record<string, unknown>; required?: string[] })[];
    readonly initialConfig: PolicyPackConfigFile;
    /** The pack's metadata for people; each absent when the pack leaves it out. */
    readonly displayName?: string;
    readonly description?: string;
    readonly readme?: string;
    readonly provider?: string;
    readonly tags?: string[];
    readonly repository?: string;
}

export interface Diagnostic {
    readonly policyPack: string;
    readonly policyPackVersion: string;
    readonly policyName: string;
    readonly description: string;
    readonly message: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly urn: string;
}

export interface RemediationResult {
    readonly policyName: string;
    readonly description: string;
    /** The full replacement inputs, in wire form, or `undefined` when the remediation only left a diagnostic. */
    readonly properties: Record<string, unknown> | undefined;
    readonly diagnostic: string;
}

/** The wire enum's order (`ADVISORY, MANDATORY, DISABLED, REMEDIATE`) differs from the config file's list. */
const WIRE_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "disabled", "remediate"];

function levelName(level: number): EnforcementLevel {
    return WIRE_LEVELS[level] ?? "advisory";
}

/** The wire enum `PolicySeverity`: 0 is unspecified. */
const WIRE_SEVERITIES: readonly (PolicySeverity | undefined)[] = [
    undefined,
    "low",
    "medium",
    "high",
    "critical",
];

/** `{ key: value }` when the wire's proto3 string is set (not empty), else `{}`: absent fields stay absent. */
function ifSet<K extends string>(key: K, value: string): { [P in K]?: string } {
    return (value ? { [key]: value } : {}) as { [P in K]?: string };
}

/**
 * One running policy pack: started with the `@pulumi/pulumi` runner exactly as the CLI starts it, and driven
 * as an analyzer over gRPC.
 */
export class PolicyPackProcess {
    /** The pack's name once `GetAnalyzerInfo` has told it; its directory until then. */
    private name: string;

    private constructor(
        readonly directory: string,
        private readonly child: ChildProcessWithoutNullStreams,
        private readonly client: AnalyzerClient,
        private readonly stderr: () => string,
        private readonly endGroup: () => void,
        private readonly callTimeoutMs: number,
        /** The `node` arguments that sized its heap, for the message when it runs out. */
        private readonly heapArgs: readonly string[],
    ) {
        this.name = path.relative(process.cwd(), directory) || directory;
    }

    /** Starts the pack in `directory` and connects to the port it prints. */
    static async start(
        directory: string,
        engineAddress: string,
        project: ProjectSettings,
        options: PackProcessOptions = {},
    ): Promise<PolicyPackProcess> {
        const { signal } = options;
        const packDir = path.resolve(directory);
        if (!fs.existsSync(path.join(packDir, "PulumiPolicy.yaml"))) {
            throw new GateError("pack", `--policy-pack ${directory}: no PulumiPolicy.yaml in ${packDir}`);
        }
        // The CLI runs the runner of the SDK the pack itself resolves.
        const runner = path.join(pulumiSdkDir(packDir), "cmd", "run-policy-pack", "index.js");
        const marker = childMarker();
        // Its share of the machine, unless the caller sized it (audit: no more than the stack read needs).
        const nodeArgs = options.nodeArgs ?? childHeapArgs(HEAP_SHARE.policyPacks);
        const child = spawn(process.execPath, [...nodeArgs, runner, engineAddress, packDir], {
            cwd: packDir,
            env: {
                ...process.env,
                ...marker.env,
                PULUMI_CONFIG: JSON.stringify(project.config),
                PULUMI_NODEJS_ORGANIZATION: project.organization,
                PULUMI_NODEJS_PROJECT: project.name,
                PULUMI_NODEJS_STACK: project.stack,
                PULUMI_NODEJS_DRY_RUN: "true",
            },
            stdio: ["pipe", "pipe", "pipe"],
            // Its own process group, which the gate ends (with whatever the pack started) on every path.
            detached: true,
            signal,
            killSignal: "SIGKILL",
        });
        const endGroup = trackChild(child, marker);
        signal?.addEventListener("abort", endGroup);
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => {
            stderr = (stderr + chunk.toString()).slice(-STDERR_KEPT);
        });
        const port = await new Promise<number>((resolve, reject) => {
            let stdout = "";
            const timer = setTimeout(() => {
                endGroup();
                reject(
                    new GateError(
                        "pack",
                        `policy pack ${directory} did not print its port within ${PACK_START_TIMEOUT_MS / 1000} s`,
                    ),
                );
            }, PACK_START_TIMEOUT_MS);
            const onData = (chunk: Buffer): void => {
                stdout += chunk.toString();
                const newline = stdout.indexOf("\n");
                if (newline < 0) {
                    return;
                }
                clearTimeout(timer);
                child.stdout.off("data", onData);
                const port = Number(stdout.slice(0, newline).trim());
                if (!Number.isInteger(port) || port <= 0) {
                    endGroup();
                    reject(
                        new GateError(
                            "pack",
                            `policy pack ${directory} printed ${JSON.stringify(stdout.trim())} instead of its port`,
                        ),
                    );
                    return;
                }
                resolve(port);
            };
            child.stdout.on("data", onData);
            child.on("error", (err) => {
                clearTimeout(timer);
                reject(
                    new GateError("pack", `policy pack ${directory} could not be started: ${err.message}`),
                );
            });
            child.on("exit", (code, signal) => {
                clearTimeout(timer);
                // Give stderr a moment to drain so that the pack's own error reaches the message.
                setImmediate(() =>
                    reject(
                        new GateError(
                            "pack",
                            `policy pack ${directory} failed to start (${signal ? `killed by ${signal}` : `exit code ${code}`})` +
                                (stderr.trim() ? `:\n${tail(stderr)}` : ""),
                        ),
                    ),
                );
            });
        });
        // Pack output after the port (e.g. console.log in a policy) must not reach our stdout.
        child.stdout.on("data", (chunk: Buffer) =>
            options.output ? options.output.diagnostic(chunk.toString()) : process.stderr.write(chunk),
        );
        const { grpc, analyzerGrpc } = loadSdk();
        const Client = analyzerGrpc.AnalyzerClient as unknown as new (
            address: string,
            credentials: grpcTypes.ChannelCredentials,
            options: grpcTypes.ClientOptions,
        ) => AnalyzerClient;
        const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
            "grpc.max_receive_message_length": 400 * 1024 * 1024,
            "grpc.max_send_message_length": 400 * 1024 * 1024,
        });
        return new PolicyPackProcess(
            packDir,
            child,
            client,
            () => stderr,
            endGroup,
            options.callTimeoutMs ?? DEFAULT_PACK_CALL_TIMEOUT_MS,
            nodeArgs,
        );
    }

    private call<Req, Res>(method: string, request: Req, subject?: string): Promise<Res> {
        const fn = this.client[method] as (
            req: Req,
            options: grpcTypes.CallOptions,
            callback: (err: grpcTypes.ServiceError | null, res: Res) => void,
        ) => void;
        return this.invoke(method, subject, (options, callback) =>
            fn.call(this.client, request, options, callback),
        );
    }

    /** Sends one call with its deadline; a failure becomes one line naming the pack, the policy and the call. */
    private invoke<Res>(
        method: string,
        subject: string | undefined,
        send: (
            options: grpcTypes.CallOptions,
            callback: (err: grpcTypes.ServiceError | null, res?: Res) => void,
        ) => void,
    ): Promise<Res> {
        const rpc = method.charAt(0).toUpperCase() + method.slice(1);
        const call = subject ? `${rpc} of ${subject}` : rpc;
        return new Promise<Res>((resolve, reject) => {
            send({ deadline: Date.now() + this.callTimeoutMs }, (err, response) => {
                if (!err) {
                    resolve(response as Res);
                    return;
                }
                this.explain(err, rpc, call).then(
                    (message) => reject(new GateError("pack", message)),
                    reject,
                );
            });
        });
    }

    private async explain(err: grpcTypes.ServiceError, rpc: string, call: string): Promise<string> {
        const pack = `policy pack ${this.name}`;
        if (err.code === DEADLINE_EXCEEDED) {
            return (
                `${pack} did not answer ${call} within ${this.callTimeoutMs / 1000} s ` +
                "(--pack-timeout or ALICLOUD_SG_PACK_TIMEOUT sets how long the gate waits)"
            );
        }
        if (err.code === UNAVAILABLE || err.code === CANCELLED) {
            // The pack went away mid-call: say how it ended, once it has (a dropped connection says nothing).
            const how = await Promise.race([
                this.exited().then(() =>
                    this.child.signalCode
                        ? `was killed by ${this.child.signalCode}`
                        : `exited with code ${this.child.exitCode}`,
                ),
                new Promise<string>((resolve) => setTimeout(() => resolve("dropped the connection"), 2_000)),
            ]);
            if (ranOutOfHeap(this.stderr())) {
                return outOfHeapMessage(`${pack} (during ${rpc})`, this.heapArgs);
            }
            // Every call in flight fails alike, so the one that reports it is not the one that ended the pack.
            const last = lastLine(this.stderr());
            return `${pack} ${how} during ${rpc}${last ? `: ${last}` : ""}`;
        }
        return `${pack} failed in ${call}: ${policyFailure(err.details || err.message)}`;
    }

    async configureStack(project: ProjectSettings): Promise<void> {
        const { analyzerPb } = loadSdk();
        const req = new analyzerPb.AnalyzerStackConfigureRequest();
        req.setStack(project.stack);
        req.setProject(project.name);
        req.setOrganization(project.organization);
        req.setDryRun(true);
        req.setConfigSecretKeysList(project.secretKeys);
        const config = req.getConfigMap();
        for (const [key, value] of Object.entries(project.config)) {
            config.set(key, value);
        }
        await this.call("configureStack", req);
    }

    async getAnalyzerInfo(): Promise<AnalyzerInfo> {
        const { empty } = loadSdk();
        const info = await this.call<unknown, analyzerPbTypes.AnalyzerInfo>(
            "getAnalyzerInfo",
            new empty.Empty(),
        );
        this.name = `${info.getName()} (${path.relative(process.cwd(), this.directory) || "."})`;
        const initialConfig: PolicyPackConfigFile = {};
        info.getInitialconfigMap().forEach((entry, key) => {
            initialConfig[key] = {
                enforcementLevel: levelName(entry.getEnforcementlevel()),
                ...(entry.getProperties()?.toJavaScript() ?? {}),
            };
        });
        return {
            name: info.getName(),
            version: info.getVersion(),
            initialConfig,
            ...ifSet("displayName", info.getDisplayname()),
            ...ifSet("description", info.getDescription()),
            ...ifSet("readme", info.getReadme()),
            ...ifSet("provider", info.getProvider()),
            ...(info.getTagsList().length > 0 ? { tags: info.getTagsList() } : {}),
            ...ifSet("repository", info.getRepository()),
            policies: info.getPoliciesList().map((policy) => {
                const schema = policy.getConfigschema();
                const severity = WIRE_SEVERITIES[policy.getSeverity()];
                const framework = policy.getFramework();
                return {
                    name: policy.getName(),
                    description: policy.getDescription(),
                    enforcementLevel: levelName(policy.getEnforcementlevel()),
                    type: policy.getPolicyType() === 2 ? "stack" : "resource",
                    ...ifSet("displayName", policy.getDisplayname()),
                    ...(severity ? { severity } : {}),
                    ...ifSet("remediationSteps", policy.getRemediationSteps()),
                    ...ifSet("url", policy.getUrl()),
                    ...(framework
                        ? {
                              framework: {
                                  name: framework.getName(),
                                  version: framework.getVersion(),
                                  reference: framework.getReference(),
                                  specification: framework.getSpecification(),
                              },
                          }
                        : {}),
                    ...(schema
                        ? {
                              properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<
                                  string,
                                  unknown
                              >,
                              required: schema.getRequiredList(),
                          }
                        : {}),
                };
            }),
        };
    }

    async configure(config: Map<string, ReconciledPolicyConfig>): Promise<void> {
        const { analyzerPb, struct } = loadSdk();
        const req = new analyzerPb.ConfigureAnalyzerRequest();
        const map = req.getPolicyconfigMap();
        for (const [policy, { enforcementLevel, properties }] of config) {
            const entry = new analyzerPb.PolicyConfig();
            entry.setEnforcementlevel(
                WIRE_LEVELS.indexOf(enforcementLevel) as analyzerPbTypes.EnforcementLevel,
            );
            entry.setProperties(struct.Struct.fromJavaScript(properties as Record<string, never>));
            map.set(policy, entry);
        }
        await this.call("configure", req);
    }

    async remediate(resource: RecordedResource, request: Uint8Array): Promise<RemediationResult[]> {
        const response = await this.callEncoded<analyzerPbTypes.RemediateResponse>(
            "remediate",
            request,
            resourceSubject(resource),
        );
        return response.getRemediationsList().map((remediation) => ({
            policyName: remediation.getPolicyname(),
            description: remediation.getDescription(),
            properties: remediation.getProperties()?.toJavaScript() as Record<string, unknown> | undefined,
            diagnostic: remediation.getDiagnostic(),
        }));
    }

    /**
     * `Analyze` of one resource's request (`encodeAnalyzeRequest` in analyzerEncoding), with the policies the
     * pack said do not apply to the resource and why.
     */
    async analyze(
        resource: RecordedResource,
        request: Uint8Array,
    ): Promise<{ diagnostics: Diagnostic[]; notApplicable: { policyName: string; reason: string }[] }> {
        const response = await this.callEncoded<analyzerPbTypes.AnalyzeResponse>(
            "analyze",
            request,
            resourceSubject(resource),
        );
        return {
            diagnostics: diagnostics(response, resource.urn),
            notApplicable: response
                .getNotApplicableList()
                .map((entry) => ({ policyName: entry.getPolicyName(), reason: entry.getReason() })),
        };
    }

    /**
     * `AnalyzeStack` of `count` resources encoded by `encodeStackResource` (analyzerEncoding) and concatenated: byte
     * for byte the `AnalyzeStackRequest` that lists them in this order. `request` is called once, when the call
     * sends it, so that the gate need not hold the bytes while the pack judges (tens of MB for an account).
     */
    async analyzeStack(request: () => Uint8Array, count: number): Promise<Diagnostic[]> {
        const response = await this.callEncoded<analyzerPbTypes.AnalyzeResponse>(
            "analyzeStack",
            request,
            `${count} resources`,
        );
        return diagnostics(response, "");
    }

    /** A call whose request is already encoded: the same bytes go to every pack, and feed `AnalyzeStack`. */
    private callEncoded<Res>(
        method: string,
        request: Uint8Array | (() => Uint8Array),
        subject: string,
    ): Promise<Res> {
        const { analyzerGrpc } = loadSdk();
        const definition = analyzerGrpc.AnalyzerService[method];
        return this.invoke<Res>(method, subject, (options, callback) =>
            this.client.makeUnaryRequest(
                definition.path,
                (argument: Uint8Array | (() => Uint8Array)) => {
                    const bytes = typeof argument === "function" ? argument() : argument;
                    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
                },
                definition.responseDeserialize as (bytes: Buffer) => Res,
                request,
                options,
                callback,
            ),
        );
    }

    /** Closes the connection and ends the pack's process group (the CLI kills its plugins the same way). */
    stop(): void {
        this.client.close();
        this.endGroup();
    }

    /** Resolves once the pack process has exited. */
    exited(): Promise<void> {
        if (this.child.exitCode !== null || this.child.signalCode !== null) {
            return Promise.resolve();
        }
        return new Promise((resolve) => this.child.once("exit", () => resolve()));
    }
}

function diagnostics(response: analyzerPbTypes.AnalyzeResponse, defaultUrn: string): Diagnostic[] {
    return response.getDiagnosticsList().map((d) => ({
        policyPack: d.getPolicypackname(),
        policyPackVersion: d.getPolicypackversion(),
        policyName: d.getPolicyname(),
        description: d.getDescription(),
        message: d.getMessage(),
        enforcementLevel: levelName(d.getEnforcementlevel()),
        urn: d.getUrn() || defaultUrn,
    }));
}

// The pack's runner colours its stack traces; the escapes are stripped from messages.
const ANSI_ESCAPE = new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g");

function tail(text: string, lines = 20): string {
    return text.replace(ANSI_ESCAPE, "").trim().split("\n").slice(-lines).join("\n");
}

function lastLine(text: string): string {
    return tail(text, 1).trim();
}

function resourceSubject(resource: RecordedResource): string {
    return `resource ${resource.name} (${resource.type})`;
}

/**
 * `@pulumi/policy` reports a policy that threw as `Error validating resource with policy 'p' from policy pack
 * 'pack@v1':` followed by the error's whole stack; the gate keeps the policy and the error's own message.
 */
function policyFailure(details: string): string {
    const lines = details.replace(ANSI_ESCAPE, "").split("\n");
    const policy = /policy '([^']+)' from policy pack/.exec(lines[0] ?? "");
    if (!policy) {
        return lines[0]?.trim() || "no message";
    }
    const message = lines.slice(1).find((line) => line.trim() !== "" && !/^\s+at /.test(line));
    return `policy ${policy[1]} threw ${message?.trim() ?? "an error without a message"}`;
}

export function toViolation(d: Diagnostic): Violation {
    return {
        policyPack: d.policyPack,
        policyPackVersion: d.policyPackVersion,
        policyName: d.policyName,
        description: d.description,
        enforcementLevel: d.enforcementLevel === "advisory" ? "advisory" : "mandatory",
        message: d.message,
        urn: d.urn || null,
    };
}
