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
import * as path from "path";
import { pathToFileURL } from "url";
import type { RecordedOptions, RecordedResource, SourcePosition } from "./types";

export interface HostSpec {
    readonly projectDir: string;
    readonly program: string;
    readonly project: string;
    readonly stack: string;
    readonly organization: string;
    readonly resultFile: string;
    /** When set, each registered resource is appended here as one JSON line as soon as it is registered. */
    readonly streamFile?: string;
}

export interface HostResult {
    readonly resources?: RecordedResource[];
    readonly error?: { message: string; location: string | null };
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
    const fail = (err: unknown): void => finish({ error: describeProgramError(err, spec.projectDir) });

    // Installed first: an error thrown asynchronously inside a resource registration surfaces here.
    process.on("uncaughtException", fail);
    process.on("unhandledRejection", fail);

    const sdkRequire = (id: string): any =>
        require(require.resolve(id, { paths: [path.dirname(spec.program), spec.projectDir, __dirname] }));
    const settings = sdkRequire("@pulumi/pulumi/runtime/settings");
    const state = sdkRequire("@pulumi/pulumi/runtime/state");
    const debuggable = sdkRequire("@pulumi/pulumi/runtime/debuggable");
    const structproto = sdkRequire("google-protobuf/google/protobuf/struct_pb");
    const resproto = sdkRequire("@pulumi/pulumi/proto/resource_pb");

    bypassPromiseDebugging(debuggable);
    captureSourcePositionOnly(sdkRequire("@pulumi/pulumi/resource"));

    // Each registration is appended to the stream file as it arrives, so the parent analyzes it while the
    // program runs; the result file stays the complete record. A synchronous write, because a program builds
    // its resources in long runs of microtasks during which an asynchronous channel would not be flushed.
    const streamFd = spec.streamFile ? fs.openSync(spec.streamFile, "a", 0o600) : undefined;
    const report =
        streamFd === undefined
            ? undefined
            : (serialized: string) => fs.writeSync(streamFd, serialized + "\n");
    const monitor = new RecordingMonitor(spec, structproto, resproto, report);
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

    registerTypeScript(spec);

    // If the event loop drains while registrations still wait (a cycle, a never-resolved output), report the
    // SDK's own diagnosis of the pending registrations instead of exiting silently.
    process.on("beforeExit", () => {
        fail(new Error(pendingRegistrationsDiagnosis(debuggable, state)));
    });

    const run = async (): Promise<void> => {
        const exported = require(spec.program);
        await (exported instanceof Function ? exported() : exported);
        await settings.waitForRPCs();
        // A registration that failed inside the SDK (an input that rejected) surfaces only as an unhandled
        // rejection, which Node reports after the current microtasks: give it that turn before finishing.
        await new Promise((resolve) => setImmediate(resolve));
    };
    run().then(() => {
        const refused = monitor.refused();
        finish(refused ? { error: refused } : { resources: monitor.recorded() });
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
 * the engine's debugging aid; the gate records only the source position, which is the frame right below the
 * SDK's four constructor frames. Capturing just that deep yields the same position for a fraction of the cost,
 * most of all under ts-node, whose source-map support rewrites every captured frame.
 */
function captureSourcePositionOnly(resourceModule: any): void {
    const Resource = resourceModule.Resource;
    Resource.stackTrace = (skip: number): unknown[] => {
        const limit = Error.stackTraceLimit;
        // Frames: this function, then the SDK's `skip` constructor frames, then the caller.
        Error.stackTraceLimit = skip + 1;
        let stack: string | undefined;
        try {
            stack = new Error().stack;
        } finally {
            Error.stackTraceLimit = limit;
        }
        const frame = stack?.split("\n")[skip + 1];
        const groups = frame ? Resource.framePositionRegExp.exec(frame)?.groups : undefined;
        if (!groups || groups.file.startsWith("node:")) {
            return [];
        }
        return [
            {
                uri: pathToFileURL(groups.file).toString(),
                line: Number(groups.line),
                column: Number(groups.column),
            },
        ];
    };
}

/** TypeScript programs run through ts-node, transpile-only: the gate judges resources, not types. */
function registerTypeScript(spec: HostSpec): void {
    if (!/\.tsx?$/.test(spec.program) && !fs.existsSync(path.join(spec.program, "index.ts"))) {
        return;
    }
    if ((process as any)[Symbol.for("ts-node.register.instance")]) {
        return;
    }
    let tsNodePath: string;
    try {
        tsNodePath = require.resolve("ts-node", { paths: [spec.projectDir, __dirname] });
    } catch {
        throw new Error(
            `${spec.program} is TypeScript, which needs ts-node (a peer dependency of @pulumi/pulumi): npm install ts-node`,
        );
    }
    const tsNode = require(tsNodePath);
    const hasTsconfig = fs.existsSync(path.join(spec.projectDir, "tsconfig.json"));
    tsNode.register({
        transpileOnly: true,
        skipProject: !hasTsconfig,
        compilerOptions: { target: "ES2020", module: "commonjs", moduleResolution: "node", sourceMap: true },
    });
}

class RecordingMonitor {
    private readonly resources = new Map<string, RecordedResource>();
    private recordedChars = 0;
    private firstRefusal: { message: string; location: string | null } | undefined;

    constructor(
        private readonly spec: HostSpec,
        private readonly structproto: any,
        private readonly resproto: any,
        private readonly report?: (serialized: string) => void,
    ) {}

    recorded(): RecordedResource[] {
        return [...this.resources.values()];
    }

    /**
     * The first registration the engine would have refused (a duplicate URN). The SDK only rejects that
     * resource's outputs, which a program rarely awaits; the engine fails the whole preview, and so does the gate.
     */
    refused(): { message: string; location: string | null } | undefined {
        return this.firstRefusal;
    }

    /** The engine's URN: the parent's full qualified type chain, not only its last segment. */
    private newUrn(parent: string, type: string, name: string): string {
        const qualifiedType = parent ? `${parent.split("::")[2]}$${type}` : type;
        return `urn:pulumi:${this.spec.stack}::${this.spec.project}::${qualifiedType}::${name}`;
    }

    registerResource(req: any, callback: Callback): void {
        try {
            const urn = this.newUrn(req.getParent(), req.getType(), req.getName());
            const inputs = req.getObject()?.toJavaScript() ?? {};
            const propertyDependencies: Record<string, string[]> = {};
            req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
                propertyDependencies[key] = deps.getUrnsList();
            });
            const record: RecordedResource = {
                urn,
                type: req.getType(),
                name: req.getName(),
                custom: req.getCustom(),
                external: false,
                parent: req.getParent() || null,
                dependencies: req.getDependenciesList(),
                propertyDependencies,
                inputs,
                outputs: req.getCustom() ? inputs : {},
                provider: req.getProvider() || null,
                source: sourcePosition(req.getSourceposition()),
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
                const source = sourcePosition(req.getSourceposition());
                this.firstRefusal = {
                    message: (err as Error).message,
                    location: source
                        ? `${path.relative(this.spec.projectDir, source.file) || source.file}:${source.line}:${source.column}`
                        : null,
                };
            }
            callback(err as Error);
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
            this.resources.set(record.urn, { ...record, outputs: req.getOutputs()?.toJavaScript() ?? {} });
        }
        callback(null, {});
    }

    readResource(req: any, callback: Callback): void {
        try {
            const urn = this.newUrn(req.getParent(), req.getType(), req.getName());
            const propertyDependencies: Record<string, string[]> = {};
            this.resources.set(urn, {
                urn,
                type: req.getType(),
                name: req.getName(),
                custom: true,
                external: true,
                parent: req.getParent() || null,
                dependencies: req.getDependenciesList(),
                propertyDependencies,
                inputs: { id: req.getId() },
                outputs: {},
                provider: req.getProvider() || null,
                source: sourcePosition(req.getSourceposition?.()),
                options: emptyOptions(),
            });
            const response = new this.resproto.ReadResourceResponse();
            response.setUrn(urn);
            // The engine would read the live state from the cloud; offline every property stays unknown.
            response.setProperties(this.structproto.Struct.fromJavaScript({}));
            callback(null, response);
        } catch (err) {
            callback(err as Error);
        }
    }

    invoke(req: any, callback: Callback): void {
        const token = req.getTok();
        callback(
            new Error(
                `The program calls the provider function '${token}', which needs the cloud provider; ` +
                    "the offline gate cannot answer it. Pass the value through stack config instead.",
            ),
        );
    }

    call(req: any, callback: Callback): void {
        callback(
            new Error(`The program calls the component method '${req.getTok()}', which needs a provider.`),
        );
    }

    supportsFeature(req: any, callback: Callback): void {
        const hasSupport = req.getId() !== "outputValues" && req.getId() !== "transforms";
        callback(null, { getHassupport: () => hasSupport });
    }

    registerStackTransform(_req: any, callback: Callback): void {
        callback(new Error("Stack transforms are not supported by the offline gate."));
    }

    registerStackInvokeTransform(_req: any, callback: Callback): void {
        callback(new Error("Stack invoke transforms are not supported by the offline gate."));
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

/**
 * The program's own message, and where it was thrown: the first stack frame outside node_modules, node
 * internals and this host (the program, or a local component it uses), relative to the project directory.
 */
export function describeProgramError(
    err: unknown,
    projectDir: string,
): { message: string; location: string | null } {
    if (!(err instanceof Error)) {
        return { message: `The program threw a non-Error value: ${String(err)}`, location: null };
    }
    for (const frame of (err.stack ?? "").split("\n").slice(1)) {
        // The file starts the location: right after "at " or "(", so that a node internal such as
        // "node:internal/modules/cjs/loader:1521:14" is not read as the file "/modules/cjs/loader".
        const match = /(?:^\s*at |\()((?:\/|[A-Za-z]:\\)[^():]+):(\d+):(\d+)\)?\s*$/.exec(frame);
        if (!match || match[1].includes(`${path.sep}node_modules${path.sep}`) || match[1] === __filename) {
            continue;
        }
        const relative = path.relative(projectDir, match[1]);
        return { message: err.message, location: `${relative || match[1]}:${match[2]}:${match[3]}` };
    }
    return { message: err.message, location: null };
}

if (require.main === module) {
    main();
}
