/* eslint-disable @typescript-eslint/no-require-imports */
import * as path from "node:path";
import { Policy } from "@pulumi/policy";
import { POLICIES, POLICY_PACK_NAME } from "../../policies/policies";

/**
 * Runs the pack the way the engine does, in process: the analyzer service comes from a fresh copy of
 * `@pulumi/policy`'s own server.js (its `serve` registers the real `configure`, `analyze`, `analyzeStack` and
 * `remediate` handlers, which we capture instead of binding a port), and requests are real protobuf messages
 * built with the `analyzer_pb` and `google-protobuf` copies that server resolves. Props therefore reach
 * policies through `@pulumi/policy`'s own deserializer and proxies, unknowns as wire sentinels, secrets in the
 * wire's secret envelope.
 */

const serverPath = require.resolve("@pulumi/policy/server");
const serverDir = path.dirname(serverPath);
const analyzerPbPath = require.resolve("@pulumi/pulumi/proto/analyzer_pb", { paths: [serverDir] });
const analyzerPb = require(analyzerPbPath);
const structPb = require(
    require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [path.dirname(analyzerPbPath)] }),
);
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [serverDir] }));

/** The wire spelling of an unknown string (what the engine sends in preview). */
export const UNKNOWN_WIRE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The wire spelling of a secret. */
export function secret(value: unknown): Record<string, unknown> {
    return { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value };
}

type Level = "advisory" | "mandatory" | "remediate" | "disabled";

/** One resource of a test stack: wire-form props and the property dependencies by logical name or URN. */
export interface TestResource {
    readonly type: string;
    readonly name: string;
    readonly props: Record<string, unknown>;
    readonly propertyDependencies?: Record<string, string[]>;
    readonly parent?: string;
}

export interface Diagnostic {
    readonly policyName: string;
    readonly enforcementLevel: Level;
    readonly message: string;
    readonly urn: string;
}

export const urnOf = (resource: Pick<TestResource, "type" | "name">): string =>
    `urn:pulumi:dev::test::${resource.type}::${resource.name}`;

const LEVELS: Record<Level, number> = {
    advisory: analyzerPb.EnforcementLevel.ADVISORY,
    mandatory: analyzerPb.EnforcementLevel.MANDATORY,
    disabled: analyzerPb.EnforcementLevel.DISABLED,
    remediate: analyzerPb.EnforcementLevel.REMEDIATE,
};
const LEVEL_NAMES = Object.fromEntries(
    Object.entries(LEVELS).map(([name, value]) => [value, name]),
) as Record<number, Level>;

type Handler = (call: { request: unknown }, callback: (error: unknown, response: unknown) => void) => void;

interface Service {
    configure: Handler;
    analyze: Handler;
    analyzeStack: Handler;
    remediate: Handler;
    getAnalyzerInfo: Handler;
}

/** Captures the handlers `serve` registers, from a private copy of server.js (its state is per module). */
function captureService(policies: readonly Policy[]): Service {
    const saved = require.cache[serverPath];
    delete require.cache[serverPath];
    const prototype = grpc.Server.prototype;
    const { addService, bindAsync } = prototype;
    let captured: Service | undefined;
    prototype.addService = function (_definition: unknown, implementation: Service) {
        captured = implementation;
    };
    prototype.bindAsync = function () {
        // No port: the tests call the handlers directly.
    };
    try {
        const server = require(serverPath);
        server.serve(POLICY_PACK_NAME, "0.1.0", "advisory", { policies: [...policies] }, undefined);
    } finally {
        prototype.addService = addService;
        prototype.bindAsync = bindAsync;
        if (saved) {
            require.cache[serverPath] = saved;
        } else {
            delete require.cache[serverPath];
        }
    }
    if (!captured) {
        throw new Error("@pulumi/policy's serve registered no analyzer service");
    }
    return captured;
}

function call<T>(handler: Handler, request: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
        handler({ request }, (error, response) => (error ? reject(error) : resolve(response as T)));
    });
}

/** The engine never sends undefined: absent keys are simply missing. */
function wire(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map((item) => (item === undefined ? null : wire(item)));
    }
    if (typeof value === "object" && value !== null) {
        const copy: Record<string, unknown> = {};
        for (const [key, item] of Object.entries(value)) {
            if (item !== undefined) {
                copy[key] = wire(item);
            }
        }
        return copy;
    }
    return value;
}

const struct = (props: Record<string, unknown>) => structPb.Struct.fromJavaScript(wire(props));

function options(parent?: string) {
    const opts = new analyzerPb.AnalyzerResourceOptions();
    opts.setProtect(false);
    if (parent) {
        opts.setParent(parent);
    }
    return opts;
}

interface PbDiagnostic {
    getPolicyname(): string;
    getEnforcementlevel(): number;
    getMessage(): string;
    getUrn(): string;
}

function diagnostics(response: { getDiagnosticsList(): PbDiagnostic[] }): Diagnostic[] {
    return response.getDiagnosticsList().map((d) => ({
        policyName: d.getPolicyname(),
        enforcementLevel: LEVEL_NAMES[d.getEnforcementlevel()],
        message: d.getMessage(),
        urn: d.getUrn(),
    }));
}

/** Policy-pack config as `--policy-pack-config` spells it: `{ all?: level, "<policy>": level | { enforcementLevel?, ...props } }`. */
export type PackConfig = Record<string, Level | ({ enforcementLevel?: Level } & Record<string, unknown>)>;

export class PackHarness {
    private readonly service: Service;
    private readonly policies: readonly Policy[];

    constructor(policies: readonly Policy[] = POLICIES) {
        this.policies = policies;
        this.service = captureService(policies);
    }

    /**
     * Sends `Configure` as the engine reconciles it: each policy's schema defaults, then `config` (with `all`
     * setting every level), every policy listed with its level.
     */
    async configure(config: PackConfig = {}): Promise<void> {
        const request = new analyzerPb.ConfigureAnalyzerRequest();
        const map = request.getPolicyconfigMap();
        for (const policy of this.policies) {
            const given = config[policy.name];
            const settings = typeof given === "object" ? given : {};
            const level: Level =
                (typeof given === "string" ? given : settings.enforcementLevel) ??
                (config.all as Level | undefined) ??
                (policy.enforcementLevel as Level);
            const properties: Record<string, unknown> = {};
            for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
                const fallback = (schema as { default?: unknown }).default;
                if (fallback !== undefined) {
                    properties[key] = fallback;
                }
            }
            for (const [key, value] of Object.entries(settings)) {
                if (key !== "enforcementLevel") {
                    properties[key] = value;
                }
            }
            const policyConfig = new analyzerPb.PolicyConfig();
            policyConfig.setEnforcementlevel(LEVELS[level]);
            policyConfig.setProperties(structPb.Struct.fromJavaScript(properties));
            map.set(policy.name, policyConfig);
        }
        await call(this.service.configure, request);
    }

    /** `Analyze` of one resource (its inputs). */
    async analyze(resource: TestResource): Promise<Diagnostic[]> {
        const request = new analyzerPb.AnalyzeRequest();
        request.setType(resource.type);
        request.setName(resource.name);
        request.setUrn(urnOf(resource));
        request.setProperties(struct(resource.props));
        request.setOptions(options(resource.parent));
        return diagnostics(await call(this.service.analyze, request));
    }

    /** `Remediate` of one resource: the properties after every remediation, or undefined when none applied. */
    async remediate(resource: TestResource): Promise<{ policyName: string; properties: unknown }[]> {
        const request = new analyzerPb.AnalyzeRequest();
        request.setType(resource.type);
        request.setName(resource.name);
        request.setUrn(urnOf(resource));
        request.setProperties(struct(resource.props));
        request.setOptions(options(resource.parent));
        const response = await call<{
            getRemediationsList(): {
                getPolicyname(): string;
                getProperties(): { toJavaScript(): unknown } | undefined;
            }[];
        }>(this.service.remediate, request);
        return response.getRemediationsList().map((r) => ({
            policyName: r.getPolicyname(),
            properties: r.getProperties()?.toJavaScript(),
        }));
    }

    /** `AnalyzeStack` over every resource, with property dependencies given by logical name or URN. */
    async analyzeStack(resources: readonly TestResource[]): Promise<Diagnostic[]> {
        const request = new analyzerPb.AnalyzeStackRequest();
        const byName = new Map(resources.map((r) => [r.name, urnOf(r)]));
        for (const resource of resources) {
            const message = new analyzerPb.AnalyzerResource();
            message.setType(resource.type);
            message.setName(resource.name);
            message.setUrn(urnOf(resource));
            message.setProperties(struct(resource.props));
            message.setOptions(options(resource.parent));
            const deps = message.getPropertydependenciesMap();
            const all = new Set<string>();
            for (const [key, names] of Object.entries(resource.propertyDependencies ?? {})) {
                const urns = names.map((name) => byName.get(name) ?? name);
                urns.forEach((urn) => all.add(urn));
                const dependency = new analyzerPb.AnalyzerPropertyDependencies();
                dependency.setUrnsList(urns);
                deps.set(key, dependency);
            }
            message.setDependenciesList([...all]);
            request.addResources(message);
        }
        return diagnostics(await call(this.service.analyzeStack, request));
    }

    /** Every diagnostic of a stack: `Analyze` per resource, then `AnalyzeStack`, as a preview runs them. */
    async preview(resources: readonly TestResource[]): Promise<Diagnostic[]> {
        const found: Diagnostic[] = [];
        for (const resource of resources) {
            found.push(...(await this.analyze(resource)));
        }
        found.push(...(await this.analyzeStack(resources)));
        return found;
    }
}

/** Runs a preview (Analyze per resource, then AnalyzeStack) with the engine's Configure applied. */
export async function preview(
    stack: readonly TestResource[],
    config: PackConfig = {},
): Promise<Diagnostic[]> {
    const harness = new PackHarness();
    await harness.configure(config);
    return harness.preview(stack);
}

/** The violations of one policy: `[urn's logical name, message without the policy description]`. */
export async function violationsOf(
    policyName: string,
    stack: readonly TestResource[],
    config: PackConfig = {},
) {
    const found = (await preview(stack, config)).filter((d) => d.policyName === policyName);
    return found.map((d) => ({
        name: d.urn === "" ? "" : d.urn.slice(d.urn.lastIndexOf("::") + 2),
        level: d.enforcementLevel,
        message: d.message.slice(d.message.indexOf("\n") + 1),
    }));
}
