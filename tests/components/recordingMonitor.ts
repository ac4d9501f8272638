import { createRequire } from "module";
import * as path from "path";
import type * as grpcTypes from "@grpc/grpc-js";
import { pulumiSdkDir } from "../../engine/sdk";

/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's generated gRPC stubs have no usable types here. */
const sdkRequire = createRequire(path.join(pulumiSdkDir(), "package.json"));
const grpc: typeof grpcTypes = sdkRequire("@grpc/grpc-js");
const resourceGrpc = sdkRequire("./proto/resource_grpc_pb");
const resourcePb = sdkRequire("./proto/resource_pb");
const structPb = sdkRequire("google-protobuf/google/protobuf/struct_pb");
const emptyPb = sdkRequire("google-protobuf/google/protobuf/empty_pb");

/** One RegisterResource the monitor answered. */
export interface Registration {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** The parent's URN, or "" for none. */
    readonly parent: string;
    readonly custom: boolean;
    /** The inputs as sent, in the wire form (secrets and resource references as signature objects). */
    readonly inputs: Record<string, unknown>;
    /** Property → the URNs it depends on, as sent. */
    readonly propertyDependencies: Record<string, string[]>;
    /** Names of structured aliases, and alias URNs. */
    readonly aliases: string[];
}

/**
 * A resource monitor as the engine serves it to a provider during `Construct`: a real gRPC ResourceMonitor that
 * records every registration, computes URNs as the engine does (the parent's type chain, the Stack's omitted),
 * and answers custom resources with `<name>-id` (or no id in preview) and their inputs as outputs.
 */
export class RecordingMonitor {
    readonly registrations: Registration[] = [];
    readonly outputs = new Map<string, Record<string, unknown>>();
    /** Resources the program registered before, by URN: what the engine answers `getResource` with. */
    readonly known = new Map<string, { readonly id: string; readonly state: Record<string, unknown> }>();
    private server: grpcTypes.Server | undefined;

    constructor(
        private readonly project: string,
        private readonly stack: string,
        private readonly dryRun: boolean,
    ) {}

    /** The URN the engine gives a resource of `type` named `name` under `parent`. */
    urnOf(type: string, name: string, parent = ""): string {
        const parentType = parent === "" ? "" : parent.split("::")[2];
        const qualified =
            parentType === "" || parentType === "pulumi:pulumi:Stack" ? type : `${parentType}$${type}`;
        return `urn:pulumi:${this.stack}::${this.project}::${qualified}::${name}`;
    }

    async start(): Promise<string> {
        const server = new grpc.Server();
        const unimplemented = (name: string) => (_call: unknown, callback: (err: unknown) => void) =>
            callback({
                code: grpc.status.UNIMPLEMENTED,
                details: `${name} is not part of this recording monitor`,
            });
        const features = [
            resourcePb.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_SECRETS,
            resourcePb.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES,
            resourcePb.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_OUTPUT_VALUES,
            resourcePb.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_ALIAS_SPECS,
            resourcePb.ResourceMonitorFeature.RESOURCE_MONITOR_FEATURE_DELETED_WITH,
        ];
        const handlers: Record<string, unknown> = {
            getDeploymentInfo: (_call: unknown, callback: (err: null, res: unknown) => void) => {
                const info = new resourcePb.DeploymentInfo();
                info.setSupportedfeaturesList(features);
                callback(null, info);
            },
            supportsFeature: (call: any, callback: (err: null, res: unknown) => void) => {
                const response = new resourcePb.SupportsFeatureResponse();
                response.setHassupport(
                    ["secrets", "resourceReferences", "outputValues", "aliasSpecs", "deletedWith"].includes(
                        call.request.getId(),
                    ),
                );
                callback(null, response);
            },
            registerResource: (call: any, callback: (err: null, res: unknown) => void) => {
                const req = call.request;
                const urn = this.urnOf(req.getType(), req.getName(), req.getParent());
                const inputs = (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
                const propertyDependencies: Record<string, string[]> = {};
                req.getPropertydependenciesMap().forEach((deps: any, key: string) => {
                    propertyDependencies[key] = deps.getUrnsList();
                });
                this.registrations.push({
                    type: req.getType(),
                    name: req.getName(),
                    urn,
                    parent: req.getParent(),
                    custom: req.getCustom(),
                    inputs,
                    propertyDependencies,
                    aliases: [
                        ...req
                            .getAliasesList()
                            .map((alias: any) =>
                                alias.hasSpec() ? alias.getSpec().getName() : alias.getUrn(),
                            ),
                        ...req.getAliasurnsList(),
                    ],
                });
                const response = new resourcePb.RegisterResourceResponse();
                response.setUrn(urn);
                if (req.getCustom()) {
                    response.setId(this.dryRun ? "" : `${req.getName()}-id`);
                    response.setObject(structPb.Struct.fromJavaScript(inputs));
                }
                callback(null, response);
            },
            invoke: (call: any, callback: (err: unknown, res?: unknown) => void) => {
                const req = call.request;
                const urn = req.getArgs()?.toJavaScript()?.urn as string | undefined;
                const found = urn === undefined ? undefined : this.known.get(urn);
                if (req.getTok() !== "pulumi:pulumi:getResource" || found === undefined) {
                    callback({
                        code: grpc.status.UNKNOWN,
                        details: `${req.getTok()}: unknown resource ${urn}`,
                    });
                    return;
                }
                const response = new resourcePb.ResourceInvokeResponse();
                response.setReturn(structPb.Struct.fromJavaScript({ urn, id: found.id, state: found.state }));
                callback(null, response);
            },
            registerResourceOutputs: (call: any, callback: (err: null, res: unknown) => void) => {
                this.outputs.set(call.request.getUrn(), call.request.getOutputs()?.toJavaScript() ?? {});
                callback(null, new emptyPb.Empty());
            },
        };
        for (const method of Object.keys(resourceGrpc.ResourceMonitorService)) {
            handlers[method] ??= unimplemented(method);
        }
        server.addService(
            resourceGrpc.ResourceMonitorService,
            handlers as grpcTypes.UntypedServiceImplementation,
        );
        const port = await new Promise<number>((resolve, reject) =>
            server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, bound) =>
                err ? reject(err) : resolve(bound),
            ),
        );
        this.server = server;
        return `127.0.0.1:${port}`;
    }

    stop(): void {
        this.server?.forceShutdown();
        this.server = undefined;
    }

    /** Every registration below `urn` (children, grandchildren…), in registration order. */
    descendantsOf(urn: string): Registration[] {
        const below = new Set([urn]);
        const found: Registration[] = [];
        for (const registration of this.registrations) {
            if (below.has(registration.parent)) {
                below.add(registration.urn);
                found.push(registration);
            }
        }
        return found;
    }
}
