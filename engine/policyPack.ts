import { spawn, type ChildProcessWithoutNullStreams } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as analyzerPbTypes from "@pulumi/pulumi/proto/analyzer_pb";
import { trackChild } from "./children";
import { GateError } from "./errors";
import { type PolicyPackConfigFile, type ReconciledPolicyConfig } from "./policyConfig";
import { loadSdk, pulumiSdkDir } from "./sdk";
import type { ProjectSettings } from "./project";
import type { EnforcementLevel, PolicyDescription, RecordedResource, Violation } from "./types";
import { toAnalyzerProperties } from "./wire";

type AnalyzerClient = grpcTypes.Client & Record<string, unknown>;

/** How long a pack may take to print its port: the runner type-checks a TypeScript pack with ts-node first. */
const PACK_START_TIMEOUT_MS = 120_000;

export interface AnalyzerInfo {
    readonly name: string;
    readonly version: string;
    readonly policies: (PolicyDescription & { properties?: Record<string, unknown>; required?: string[] })[];
    readonly initialConfig: PolicyPackConfigFile;
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

/** `5m`, `30s`, `1h30m` (Go durations, as `customTimeouts` takes them) → seconds; empty → 0. */
function durationSeconds(duration: string): number {
    let total = 0;
    for (const [, amount, unit] of duration.matchAll(/([\d.]+)(h|m|s|ms)/g)) {
        total += Number(amount) * ({ h: 3600, m: 60, s: 1, ms: 0.001 } as Record<string, number>)[unit];
    }
    return total;
}

/**
 * One running policy pack: started with the `@pulumi/pulumi` runner exactly as the CLI starts it, and driven
 * as an analyzer over gRPC.
 */
export class PolicyPackProcess {
    private stderr = "";

    private constructor(
        readonly directory: string,
        private readonly child: ChildProcessWithoutNullStreams,
        private readonly client: AnalyzerClient,
    ) {
        child.stderr.on("data", (chunk: Buffer) => {
            this.stderr += chunk.toString();
        });
    }

    /** Starts the pack in `directory` and connects to the port it prints. */
    static async start(
        directory: string,
        engineAddress: string,
        project: ProjectSettings,
        signal?: AbortSignal,
    ): Promise<PolicyPackProcess> {
        const packDir = path.resolve(directory);
        if (!fs.existsSync(path.join(packDir, "PulumiPolicy.yaml"))) {
            throw new GateError("pack", `--policy-pack ${directory}: no PulumiPolicy.yaml in ${packDir}`);
        }
        // The CLI runs the runner of the SDK the pack itself resolves.
        const runner = path.join(pulumiSdkDir(packDir), "cmd", "run-policy-pack", "index.js");
        const child = spawn(process.execPath, [runner, engineAddress, packDir], {
            cwd: packDir,
            env: {
                ...process.env,
                PULUMI_CONFIG: JSON.stringify(project.config),
                PULUMI_NODEJS_ORGANIZATION: project.organization,
                PULUMI_NODEJS_PROJECT: project.name,
                PULUMI_NODEJS_STACK: project.stack,
                PULUMI_NODEJS_DRY_RUN: "true",
            },
            stdio: ["pipe", "pipe", "pipe"],
            // Aborted when the program fails while the pack is still starting: nothing will be analyzed.
            signal,
            killSignal: "SIGKILL",
        });
        trackChild(child);
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => {
            stderr += chunk.toString();
        });
        const port = await new Promise<number>((resolve, reject) => {
            let stdout = "";
            const timer = setTimeout(() => {
                child.kill("SIGKILL");
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
                    child.kill("SIGKILL");
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
        child.stdout.on("data", (chunk: Buffer) => process.stderr.write(chunk));
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
        const pack = new PolicyPackProcess(packDir, child, client);
        pack.stderr = stderr;
        return pack;
    }

    private call<Req, Res>(method: string, request: Req): Promise<Res> {
        const fn = this.client[method] as (
            req: Req,
            callback: (err: grpcTypes.ServiceError | null, res: Res) => void,
        ) => void;
        return this.invoke(method, (callback) => fn.call(this.client, request, callback));
    }

    private invoke<Res>(
        method: string,
        send: (callback: (err: grpcTypes.ServiceError | null, res?: Res) => void) => void,
    ): Promise<Res> {
        return new Promise<Res>((resolve, reject) => {
            send((err, response) => {
                if (err) {
                    const rpc = method.charAt(0).toUpperCase() + method.slice(1);
                    reject(
                        new GateError(
                            "pack",
                            `policy pack ${this.directory} failed in ${rpc}: ${err.details || err.message}` +
                                (this.stderr.trim() ? `\n${tail(this.stderr)}` : ""),
                        ),
                    );
                } else {
                    resolve(response as Res);
                }
            });
        });
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
            policies: info.getPoliciesList().map((policy) => {
                const schema = policy.getConfigschema();
                return {
                    name: policy.getName(),
                    description: policy.getDescription(),
                    enforcementLevel: levelName(policy.getEnforcementlevel()),
                    type: policy.getPolicyType() === 2 ? "stack" : "resource",
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

    private analyzeRequest(
        resource: RecordedResource,
        inputs: Record<string, unknown>,
        byUrn: ReadonlyMap<string, RecordedResource>,
    ): analyzerPbTypes.AnalyzeRequest {
        const { analyzerPb } = loadSdk();
        return describeResource(new analyzerPb.AnalyzeRequest(), resource, inputs, byUrn);
    }

    async remediate(
        resource: RecordedResource,
        inputs: Record<string, unknown>,
        byUrn: ReadonlyMap<string, RecordedResource>,
    ): Promise<RemediationResult[]> {
        const response = await this.call<unknown, analyzerPbTypes.RemediateResponse>(
            "remediate",
            this.analyzeRequest(resource, inputs, byUrn),
        );
        return response.getRemediationsList().map((remediation) => ({
            policyName: remediation.getPolicyname(),
            description: remediation.getDescription(),
            properties: remediation.getProperties()?.toJavaScript() as Record<string, unknown> | undefined,
            diagnostic: remediation.getDiagnostic(),
        }));
    }

    async analyze(
        resource: RecordedResource,
        inputs: Record<string, unknown>,
        byUrn: ReadonlyMap<string, RecordedResource>,
    ): Promise<Diagnostic[]> {
        const response = await this.call<unknown, analyzerPbTypes.AnalyzeResponse>(
            "analyze",
            this.analyzeRequest(resource, inputs, byUrn),
        );
        return diagnostics(response, resource.urn);
    }

    /**
     * `AnalyzeStack` over resources already encoded by {@link encodeStackResource}: the request is their
     * concatenation, byte for byte the `AnalyzeStackRequest` that lists them in this order.
     */
    async analyzeStack(resources: readonly Uint8Array[]): Promise<Diagnostic[]> {
        const { analyzerGrpc } = loadSdk();
        const method = analyzerGrpc.AnalyzerService.analyzeStack;
        const request = Buffer.concat(resources);
        const response = await this.invoke<analyzerPbTypes.AnalyzeResponse>("analyzeStack", (callback) =>
            this.client.makeUnaryRequest(
                method.path,
                (bytes: Buffer) => bytes,
                method.responseDeserialize,
                request,
                callback,
            ),
        );
        return diagnostics(response, "");
    }

    /** Closes the connection and ends the pack process (the CLI kills its plugins the same way). */
    stop(): void {
        this.client.close();
        if (this.child.exitCode === null && this.child.signalCode === null) {
            this.child.kill("SIGKILL");
        }
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

/** The fields `AnalyzeRequest` and `AnalyzerResource` share: what one resource is, as a policy sees it. */
function describeResource<Message extends analyzerPbTypes.AnalyzeRequest | analyzerPbTypes.AnalyzerResource>(
    message: Message,
    resource: RecordedResource,
    props: Record<string, unknown>,
    byUrn: ReadonlyMap<string, RecordedResource>,
): Message {
    const { struct } = loadSdk();
    message.setType(resource.type);
    message.setName(resource.name);
    message.setUrn(resource.urn);
    message.setProperties(struct.Struct.fromJavaScript(toAnalyzerProperties(props) as never));
    message.setOptions(resourceOptions(resource));
    const provider = providerResource(resource, byUrn);
    if (provider) {
        message.setProvider(provider);
    }
    return message;
}

function resourceOptions(resource: RecordedResource): analyzerPbTypes.AnalyzerResourceOptions {
    const { analyzerPb } = loadSdk();
    const options = new analyzerPb.AnalyzerResourceOptions();
    options.setProtect(resource.options.protect);
    options.setIgnorechangesList(resource.options.ignoreChanges);
    if (resource.options.deleteBeforeReplace !== undefined) {
        options.setDeletebeforereplace(resource.options.deleteBeforeReplace);
        options.setDeletebeforereplacedefined(true);
    }
    options.setAdditionalsecretoutputsList(resource.options.additionalSecretOutputs);
    options.setAliasesList(resource.options.aliases);
    const timeouts = new analyzerPb.AnalyzerResourceOptions.CustomTimeouts();
    timeouts.setCreate(durationSeconds(resource.options.customTimeouts.create));
    timeouts.setUpdate(durationSeconds(resource.options.customTimeouts.update));
    timeouts.setDelete(durationSeconds(resource.options.customTimeouts.delete));
    options.setCustomtimeouts(timeouts);
    options.setParent(resource.parent ?? "");
    return options;
}

/** The resource's explicit provider as the analyzer sees it, when the program registered one. */
function providerResource(
    resource: RecordedResource,
    byUrn: ReadonlyMap<string, RecordedResource>,
): analyzerPbTypes.AnalyzerProviderResource | undefined {
    if (!resource.provider) {
        return undefined;
    }
    const urn = resource.provider.slice(0, resource.provider.lastIndexOf("::"));
    const provider = byUrn.get(urn);
    if (!provider) {
        return undefined;
    }
    const { analyzerPb, struct } = loadSdk();
    const message = new analyzerPb.AnalyzerProviderResource();
    message.setType(provider.type);
    message.setName(provider.name);
    message.setUrn(provider.urn);
    message.setProperties(struct.Struct.fromJavaScript(toAnalyzerProperties(provider.inputs) as never));
    return message;
}

/** Field 1 of `AnalyzeStackRequest`: `repeated AnalyzerResource resources`. */
const STACK_RESOURCES_FIELD = 1;

/**
 * One resource of an `AnalyzeStack` request, encoded as the request carries it (an `AnalyzerResource` in field
 * 1); `props` are the properties the stack analysis sees. The gate encodes each resource as soon as those are
 * known, mostly while the program is still running, so that after the program only the joining is left.
 */
export function encodeStackResource(
    resource: RecordedResource,
    props: Record<string, unknown>,
    byUrn: ReadonlyMap<string, RecordedResource>,
): Uint8Array {
    const { analyzerPb, jspb } = loadSdk();
    const message = describeResource(new analyzerPb.AnalyzerResource(), resource, props, byUrn);
    message.setParent(resource.parent ?? "");
    message.setDependenciesList(resource.dependencies);
    const propertyDependencies = message.getPropertydependenciesMap();
    for (const [key, urns] of Object.entries(resource.propertyDependencies)) {
        const deps = new analyzerPb.AnalyzerPropertyDependencies();
        deps.setUrnsList(urns);
        propertyDependencies.set(key, deps);
    }
    const writer = new jspb.BinaryWriter();
    writer.writeMessage(STACK_RESOURCES_FIELD, message, analyzerPb.AnalyzerResource.serializeBinaryToWriter);
    return writer.getResultBuffer();
}
