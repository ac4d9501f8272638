/**
 * Child-process entry point: runs one Pulumi program under the SDK's mock runtime and writes every
 * registered resource to a JSON file. Started by `runProgram`; the spec arrives in an environment variable so
 * that the program's own `process.argv` stays clean.
 *
 * The program's config, project, stack and organization reach it through the same `PULUMI_*` environment
 * variables the Node language host sets, so `new pulumi.Config()`, `getProject()` and `getStack()` answer as
 * under the CLI.
 */
import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import { pathToFileURL } from "url";
import { OfflineInvokes } from "./offlineInvokes";
import type { PinnedInvokes } from "./pinnedInvokes";
import { Placeholders } from "./placeholders";
import { describeProgramError, type ProgramFailure } from "./programErrors";
import type { RecordedInvoke, RecordedOptions, RecordedResource, SourcePosition } from "./types";
import { captureFrameAt, isUserFile, nearestUserFrameDepth, positionLabel, type Frame } from "./userFrames";

export interface HostSpec {
    readonly projectDir: string;
    readonly program: string;
    readonly project: string;
    readonly stack: string;
    readonly organization: string;
    readonly resultFile: string;
    /** When set, each registered resource is appended here as one JSON line as soon as it is registered. */
    readonly streamFile?: string;
    /** The `--invokes` file pinning data source answers, if any. */
    readonly invokesFile?: string;
}

export interface HostResult {
    readonly resources?: RecordedResource[];
    readonly invokes?: RecordedInvoke[];
    readonly error?: ProgramFailure;
}

export const HOST_SPEC_ENV = "ALICLOUD_SG_PROGRAM_HOST_SPEC";

/**
 * The most one resource's record may take (its inputs, as JSON) and the most all of them may: the gate holds
 * every registration in memory, and a program that registers a runaway input must get a message naming the
 * resource rather than exhaust the gate's heap. Alibaba's own limits are far below: user data is at most 32 KB.
 */
export const MAX_RESOURCE_RECORD_CHARS = 16 * 1024 * 1024;
export const MAX_PROGRAM_RECORD_CHARS = 256 * 1024 * 1024;

/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-require-imports --
   the SDK's runtime internals (monitor protocol, settings, debuggable) have no public types. */
type Callback = (err: Error | null, response?: any) => void;

function main(): void {
    const spec = JSON.parse(process.env[HOST_SPEC_ENV] ?? "null") as HostSpec | null;
    if (!spec) {
        process.stderr.write(`programHost: ${HOST_SPEC_ENV} is not set\n`);
        process.exit(2);
    }
    let finished = false;
    const finish = (result: HostResult): void => {
        if (finished) {
            return;
        }
        finished = true;
        // The record holds the program's secrets: private to this user, in the gate's private directory.
        fs.writeFileSync(spec.resultFile, JSON.stringify(result), { mode: 0o600 });
        process.exit(0);
    };
    const placeholders = new Placeholders();
    // Set once the SDK is loaded; a failure before then has no data source calls to tell about.
    const offline: { invokes?: OfflineInvokes } = {};
    const fail = (err: unknown): void =>
        finish({
            error: describeProgramError(err, {
                projectDir: spec.projectDir,
                project: spec.project,
                stack: spec.stack,
                readable: (text) => placeholders.readable(text),
                placeholderCalls: offline.invokes?.placeholderCalls(),
            }),
        });

    // Installed first: an error thrown asynchronously inside a resource registration surfaces here.
    process.on("uncaughtException", fail);
    process.on("unhandledRejection", fail);

    const sdkRequire = programRequire(spec);
    const settings = sdkRequire("@pulumi/pulumi/runtime/settings");
    const state = sdkRequire("@pulumi/pulumi/runtime/state");
    const debuggable = sdkRequire("@pulumi/pulumi/runtime/debuggable");
    const structproto = sdkRequire("google-protobuf/google/protobuf/struct_pb");
    const resproto = sdkRequire("@pulumi/pulumi/proto/resource_pb");

    bypassPromiseDebugging(debuggable);
    captureUserSourcePositions(sdkRequire("@pulumi/pulumi/resource"));
    let typescript: object | undefined;
    const invokes = new OfflineInvokes(
        {
            runtime: sdkRequire("@pulumi/pulumi/runtime"),
            invokeModule: sdkRequire("@pulumi/pulumi/runtime/invoke"),
            rpc: sdkRequire("@pulumi/pulumi/runtime/rpc"),
            typescript: () => (typescript ??= sdkRequire("@pulumi/pulumi/typescript-shim")),
            resolve: (id) => require.resolve(id, { paths: [path.dirname(spec.program), spec.projectDir] }),
        },
        placeholders,
        spec.invokesFile ? loadPins(spec.invokesFile) : undefined,
        spec.projectDir,
    );
    invokes.install();
    offline.invokes = invokes;

    // Each registration is appended to the stream file as it arrives, so the parent analyzes it while the
    // program runs; the result file stays the complete record. A synchronous write, because a program builds
    // its resources in long runs of microtasks during which an asynchronous channel would not be flushed.
    const streamFd = spec.streamFile ? fs.openSync(spec.streamFile, "a", 0o600) : undefined;
    const report =
        streamFd === undefined
            ? undefined
            : (serialized: string) => fs.writeSync(streamFd, serialized + "\n");
    const monitor = new RecordingMonitor(spec, structproto, resproto, placeholders, invokes, report);
    settings.setMockOptions(monitor, spec.project, spec.stack, true, spec.organization);
    const store = state.getStore();
    store.supportsSecrets = true;
    store.supportsResourceReferences = true;
    // As with the SDK's own mocks: Output values would otherwise arrive as opaque output objects.
    store.supportsOutputValues = false;
    store.supportsDeletedWith = true;
    store.supportsReplaceWith = true;
    store.supportsAliasSpecs = true;
    store.supportsTransforms = false;
    store.supportsInvokeTransforms = false;
    store.supportsParameterization = true;
    store.supportsInvokeDependsOn = false;

    typescript = registerTypeScript(spec, sdkRequire) ?? typescript;

    // If the event loop drains while registrations still wait (a cycle, a never-resolved output), report the
    // SDK's own diagnosis of the pending registrations instead of exiting silently.
    process.on("beforeExit", () => {
        fail(new Error(pendingRegistrationsDiagnosis(debuggable, state)));
    });

    const run = async (): Promise<RecordedInvoke[]> => {
        const exported = require(spec.program);
        await (exported instanceof Function ? exported() : exported);
        await settings.waitForRPCs();
        // A registration that failed inside the SDK (an input that rejected) surfaces only as an unhandled
        // rejection, which Node reports after the current microtasks: give it that turn before finishing.
        await new Promise((resolve) => setImmediate(resolve));
        return invokes.recorded();
    };
    run().then((called) => {
        const refused = monitor.refused();
        finish(refused ? { error: refused } : { resources: monitor.recorded(), invokes: called });
    }, fail);
}

/**
 * The SDK wraps every internal promise in `debuggablePromise`, which captures `new Error().stack` and chains two
 * more promises for each — most of a large program's CPU time and a fifth of its memory under mocks. The
 * trace is only ever printed when `PULUMI_DEBUG_PROMISE_LEAKS` is set, so the wrapper is bypassed unless that
 * variable is set. What the leak tracking was for — diagnosing registrations that never complete — is kept:
 * the SDK records pending registrations separately, and {@link pendingRegistrationsDiagnosis} asks the SDK for
 * its own message about them. The program's own errors carry their own stacks and are untouched.
 */
function bypassPromiseDebugging(debuggable: any): void {
    if (debuggable.debugPromiseLeaks) {
        return;
    }
    debuggable.debuggablePromise = <T>(p: Promise<T>): Promise<T> => p;
}

/** The SDK's own explanation of registrations still pending when the event loop drained. */
function pendingRegistrationsDiagnosis(debuggable: any, state: any): string {
    const store = state.getStore();
    if ((store.pendingResourceRegistrations?.size ?? 0) > 0 && store.leakCandidates.size === 0) {
        // leakedPromises() only explains pending registrations when it also holds a leaked promise.
        store.leakCandidates.add(Promise.resolve());
    }
    const [, message] = debuggable.leakedPromises();
    return (
        message || "The program's top-level promise never settled, and no resource registration is pending."
    );
}

/**
 * The SDK captures a full, unbounded stack trace for every resource and converts every frame to a file URL, for
 * the engine's debugging aid, and takes the frame right below the constructors as the source position — inside
 * `node_modules` when a component creates the resource. The gate records the nearest frame of the user's code:
 * the line that constructed the component, or the callback (`forEach`, `.then`, `apply`) that created the
 * resource. The frame is found on V8's raw call sites, and the stack captured only down to it: most of the cost of
 * a stack trace is the source-map support of ts-node (and of compiled code with maps) rewriting every frame.
 * A resource with no user frame on its stack (created in an asynchronous callback inside a component) is
 * placed where its parent is, by the resource monitor.
 */
function captureUserSourcePositions(resourceModule: any): void {
    const Resource = resourceModule.Resource;
    const toPosition = (frame: Frame) => [
        { uri: pathToFileURL(frame.file).toString(), line: frame.line, column: frame.column },
    ];
    Resource.stackTrace = (): unknown[] => {
        // Found on V8's raw call sites, then captured (and source-mapped) only that deep.
        const depth = nearestUserFrameDepth(USER_FRAME_DEPTH);
        const user = depth === undefined ? undefined : captureFrameAt(depth);
        return user && isUserFile(user.file) ? toPosition(user) : [];
    };
}

/** How deep to look for the user's frame below a resource constructor. */
const USER_FRAME_DEPTH = 64;

/** Loads a module as the program resolves it (its `@pulumi/pulumi`, `@pulumi/alicloud`), else from this package. */
interface SdkRequire {
    (id: string): any;
    resolve(id: string): string;
}

function programRequire(spec: HostSpec): SdkRequire {
    const resolve = (id: string): string =>
        require.resolve(id, { paths: [path.dirname(spec.program), spec.projectDir, __dirname] });
    return Object.assign((id: string): any => require(resolve(id)), { resolve });
}

/**
 * TypeScript programs run as the Pulumi CLI's Node language host runs them (`@pulumi/pulumi/cmd/run`): with the
 * `typescript` and `ts-node` the project has, else the ones `@pulumi/pulumi` vendors (`tsutils`), the project's
 * `tsconfig.json` compiler options over the CLI's defaults. One difference: the gate transpiles only (the CLI
 * type-checks unless the tsconfig says `noCheck`), since it judges resources, not types. Returns the `typescript`
 * module, which also reads provider declarations for data sources.
 */
function registerTypeScript(spec: HostSpec, sdkRequire: SdkRequire): object | undefined {
    if (!/\.tsx?$/.test(spec.program) && !fs.existsSync(path.join(spec.program, "index.ts"))) {
        return undefined;
    }
    if ((process as any)[Symbol.for("ts-node.register.instance")]) {
        // The host itself runs from sources through ts-node, which compiles the program too.
        return undefined;
    }
    const tsutils = sdkRequire("@pulumi/pulumi/tsutils");
    // Module names the SDK found from its own directory ("typescript", or the vendored copy's path): they are
    // loaded from there, as the CLI's run loads them, not from this package's directory.
    const fromSdk = createRequire(sdkRequire.resolve("@pulumi/pulumi/package.json"));
    const { tsnodeRequire, typescriptRequire } = tsutils.typeScriptRequireStrings();
    const tsConfigPath = "tsconfig.json";
    const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
    const typescript = fromSdk(typescriptRequire);
    const [major, minor] = String(typescript.version).split(".").map(Number);
    // As the CLI: nodenext for TypeScript 4.7 and later, commonjs/node for older ones (the vendored 3.8.3).
    const nodeNext = major > 4 || (major === 4 && minor >= 7);
    fromSdk(tsnodeRequire).register({
        compiler: typescriptRequire,
        transpileOnly: true,
        project: tsConfigPath,
        skipProject: !fs.existsSync(tsConfigPath),
        compilerOptions: {
            target: "ES2020",
            module: nodeNext ? "nodenext" : "commonjs",
            moduleResolution: nodeNext ? "nodenext" : "node",
            sourceMap: "true",
            ...compilerOptions,
        },
    });
    return typescript;
}

/** The `--invokes` file, read by the host as the gate read it before starting the program. */
function loadPins(file: string): PinnedInvokes {
    // Loaded only when pins are given: it brings a YAML parser into the program's process.
    const { readPinnedInvokes } = require("./pinnedInvokes") as typeof import("./pinnedInvokes");
    return readPinnedInvokes(file);
}

/** An error for the SDK's RPC callbacks, which read the message of a failed call from `details`. */
function rpcError(message: string): Error {
    return Object.assign(new Error(message), { details: message });
}

class RecordingMonitor {
    private readonly resources = new Map<string, RecordedResource>();
    private recordedChars = 0;
    private firstRefusal: ProgramFailure | undefined;

    constructor(
        private readonly spec: HostSpec,
        private readonly structproto: any,
        private readonly resproto: any,
        private readonly placeholders: Placeholders,
        private readonly invokes: OfflineInvokes,
        private readonly report?: (serialized: string) => void,
    ) {}

    recorded(): RecordedResource[] {
        return [...this.resources.values()];
    }

    /**
     * The first registration the engine would have refused (a duplicate URN). The SDK only rejects that
     * resource's outputs, which a program rarely awaits; the engine fails the whole preview, and so does the gate.
     */
    refused(): ProgramFailure | undefined {
        return this.firstRefusal;
    }

    /**
     * Where a resource was created: the SDK's position (the nearest frame of the user's code), else where its
     * parent was, for a resource a component created in an asynchronous callback with no user frame below it.
     */
    private sourceOf(req: any): SourcePosition | null {
        const own = sourcePosition(req.getSourceposition?.());
        return own ?? this.resources.get(req.getParent())?.source ?? null;
    }

    /** A logical name built from a placeholder reads `vsw-[getZones.zones[0].id]`. */
    private nameOf(req: any): string {
        return this.placeholders.readable(req.getName());
    }

    /** The engine's URN: the parent's full qualified type chain, not only its last segment. */
    private newUrn(parent: string, type: string, name: string): string {
        const qualifiedType = parent ? `${parent.split("::")[2]}$${type}` : type;
        return `urn:pulumi:${this.spec.stack}::${this.spec.project}::${qualifiedType}::${name}`;
    }

    registerResource(req: any, callback: Callback): void {
        try {
            const name = this.nameOf(req);
            const urn = this.newUrn(req.getParent(), req.getType(), name);
            // Whatever a data source answered offline is unknown here, as a computed output is in a preview.
            const inputs = this.placeholders.scrub(req.getObject()?.toJavaScript() ?? {});
            const propertyDependencies: Record<string, string[]> = {};
            req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
                propertyDependencies[key] = deps.getUrnsList();
            });
            const record: RecordedResource = {
                urn,
                type: req.getType(),
                name,
                custom: req.getCustom(),
                external: false,
                parent: req.getParent() || null,
                dependencies: req.getDependenciesList(),
                propertyDependencies,
                inputs,
                outputs: req.getCustom() ? inputs : {},
                provider: req.getProvider() || null,
                source: this.sourceOf(req),
                options: recordedOptions(req),
            };
            if (this.resources.has(urn)) {
                throw new Error(`Duplicate resource URN '${urn}'; try giving it a unique name`);
            }
            this.checkSize(record, JSON.stringify(inputs).length);
            const serialized = JSON.stringify(record);
            this.resources.set(urn, record);
            this.report?.(serialized);
            // In a preview the engine cannot know a new resource's id; its planned outputs are its inputs, and
            // every output the provider would compute stays unknown because the SDK treats absent outputs of
            // a dry run as unknown. The response has the shape the SDK itself synthesizes when it runs without
            // a monitor, which spares re-encoding every input into a protobuf Struct.
            const response = {
                getUrn: () => urn,
                getId: () => "",
                getObject: () => ({ toJavaScript: () => inputs }),
                getPropertydependenciesMap: () => undefined,
                getResult: () => 0,
                getUnknown: () => false,
            };
            callback(null, response);
        } catch (err) {
            if (!this.firstRefusal) {
                const source = this.sourceOf(req);
                this.firstRefusal = {
                    message: (err as Error).message,
                    location: source ? positionLabel(source, this.spec.projectDir, true) : null,
                };
            }
            callback(rpcError((err as Error).message));
        }
    }

    private checkSize(record: RecordedResource, chars: number): void {
        const mb = (n: number): string => `${(n / (1024 * 1024)).toFixed(1)} MB`;
        if (chars > MAX_RESOURCE_RECORD_CHARS) {
            throw new Error(
                `Resource '${record.name}' (${record.type}) has ${mb(chars)} of inputs; the offline gate records ` +
                    `at most ${mb(MAX_RESOURCE_RECORD_CHARS)} per resource`,
            );
        }
        this.recordedChars += chars;
        if (this.recordedChars > MAX_PROGRAM_RECORD_CHARS) {
            throw new Error(
                `The program has registered more than ${mb(MAX_PROGRAM_RECORD_CHARS)} of resource inputs ` +
                    `(${this.resources.size} resources, stopped at '${record.name}'); the offline gate holds ` +
                    "every resource in memory",
            );
        }
    }

    registerResourceOutputs(req: any, callback: Callback): void {
        const record = this.resources.get(req.getUrn());
        if (record) {
            const outputs = this.placeholders.scrub(req.getOutputs()?.toJavaScript() ?? {});
            this.resources.set(record.urn, { ...record, outputs });
        }
        callback(null, {});
    }

    readResource(req: any, callback: Callback): void {
        try {
            const name = this.nameOf(req);
            const urn = this.newUrn(req.getParent(), req.getType(), name);
            const propertyDependencies: Record<string, string[]> = {};
            this.resources.set(urn, {
                urn,
                type: req.getType(),
                name,
                custom: true,
                external: true,
                parent: req.getParent() || null,
                dependencies: req.getDependenciesList(),
                propertyDependencies,
                inputs: this.placeholders.scrub({ id: req.getId() }),
                outputs: {},
                provider: req.getProvider() || null,
                source: this.sourceOf(req),
                options: emptyOptions(),
            });
            const response = new this.resproto.ReadResourceResponse();
            response.setUrn(urn);
            // The engine would read the live state from the cloud; offline every property stays unknown.
            response.setProperties(this.structproto.Struct.fromJavaScript({}));
            callback(null, response);
        } catch (err) {
            callback(rpcError((err as Error).message));
        }
    }

    /**
     * A data source: the engine would ask the provider, which asks the cloud. Offline its result is unknown, as
     * the engine answers a call it cannot serve yet, unless `--invokes` pins it. The promise form gets a
     * placeholder of the result's shape from `OfflineInvokes`, which also records the call.
     */
    invoke(req: any, callback: Callback): void {
        try {
            const answer = this.invokes.monitorAnswer(req.getTok(), req.getArgs()?.toJavaScript() ?? {});
            const response = new this.resproto.ResourceInvokeResponse();
            if (answer) {
                response.setReturn(this.structproto.Struct.fromJavaScript(answer));
            } else {
                response.setUnknown(true);
            }
            callback(null, response);
        } catch (err) {
            callback(rpcError((err as Error).message));
        }
    }

    call(req: any, callback: Callback): void {
        callback(
            rpcError(`The program calls the component method '${req.getTok()}', which needs a provider.`),
        );
    }

    supportsFeature(req: any, callback: Callback): void {
        const hasSupport = req.getId() !== "outputValues" && req.getId() !== "transforms";
        callback(null, { getHassupport: () => hasSupport });
    }

    registerStackTransform(_req: any, callback: Callback): void {
        callback(rpcError("Stack transforms are not supported by the offline gate."));
    }

    registerStackInvokeTransform(_req: any, callback: Callback): void {
        callback(rpcError("Stack invoke transforms are not supported by the offline gate."));
    }

    registerPackage(_req: any, callback: Callback): void {
        const response = new this.resproto.RegisterPackageResponse();
        response.setRef("offline-package-ref");
        callback(null, response);
    }
}

function sourcePosition(position: any): SourcePosition | null {
    if (!position || !position.getUri()) {
        return null;
    }
    const uri: string = position.getUri();
    let file = uri;
    try {
        file = uri.startsWith("file:") ? require("url").fileURLToPath(uri) : uri;
    } catch {
        // Keep the URI as given.
    }
    return { file, line: position.getLine(), column: position.getColumn() };
}

function recordedOptions(req: any): RecordedOptions {
    const timeouts = req.getCustomtimeouts();
    return {
        protect: req.getProtect?.() ?? false,
        ignoreChanges: req.getIgnorechangesList(),
        ...(req.getDeletebeforereplacedefined() ? { deleteBeforeReplace: req.getDeletebeforereplace() } : {}),
        aliases: req.getAliasurnsList(),
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        customTimeouts: {
            create: timeouts?.getCreate() ?? "",
            update: timeouts?.getUpdate() ?? "",
            delete: timeouts?.getDelete() ?? "",
        },
    };
}

function emptyOptions(): RecordedOptions {
    return {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        additionalSecretOutputs: [],
        customTimeouts: { create: "", update: "", delete: "" },
    };
}

if (require.main === module) {
    main();
}
