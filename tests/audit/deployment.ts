import { createHash } from "crypto";
import * as path from "path";
import type { RecordedResource } from "../../engine/types";
import { RESOURCE_REF_SIG, SIG_KEY, UNKNOWN_SENTINEL } from "../../core/wire";

/**
 * What a deployment of a previewed program would leave in `pulumi stack export`: the resources the gate
 * recorded, with ids filled in and every value a preview could not know (an id, a value computed from one)
 * filled with the id of the resource it came from, found through `propertyDependencies` as the engine records
 * them. Outputs are the inputs and the id, as a provider without defaults would return them. Written
 * independently of the audit's reader: it produces the file format, the reader consumes it.
 */

/** Id prefixes Alibaba Cloud gives, by provider type, so that ids look like the real ones. */
const ID_PREFIXES: Record<string, string> = {
    "alicloud:ecs/securityGroup:SecurityGroup": "sg-",
    "alicloud:ecs/securityGroupRule:SecurityGroupRule": "sgr-",
    "alicloud:ecs/instance:Instance": "i-",
    "alicloud:ecs/ecsNetworkInterface:EcsNetworkInterface": "eni-",
    "alicloud:vpc/network:Network": "vpc-",
    "alicloud:vpc/switch:Switch": "vsw-",
};

/** Properties of the alicloud members that are lists of group ids (the provider's schema types them so). */
const LIST_PROPERTIES = new Set(["securityGroups", "securityGroupIds"]);

function fakeId(resource: { urn: string; type: string }): string {
    const digest = createHash("sha256").update(resource.urn).digest("hex").slice(0, 20);
    return `${ID_PREFIXES[resource.type] ?? "id-"}${digest}`;
}

export interface ExportOptions {
    readonly project: string;
    readonly stack: string;
    /** The program's directory: source positions are written relative to it, as the engine writes them. */
    readonly projectDir: string;
    readonly version?: 3 | 4;
}

/** Replaces references and unknowns in `value`, taking ids for unknowns from `pending` in order. */
function fill(value: unknown, ids: ReadonlyMap<string, string>, pending: string[]): unknown {
    if (value === UNKNOWN_SENTINEL) {
        return pending.shift() ?? value;
    }
    if (Array.isArray(value)) {
        return value.map((item) => fill(item, ids, pending));
    }
    if (typeof value !== "object" || value === null) {
        return value;
    }
    const record = value as Record<string, unknown>;
    if (record[SIG_KEY] === RESOURCE_REF_SIG) {
        const urn = record.urn as string;
        return ids.get(urn) ?? urn;
    }
    return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, fill(inner, ids, pending)]));
}

/** Strings in `value` (at any depth). */
function strings(value: unknown): string[] {
    if (typeof value === "string") {
        return [value];
    }
    if (Array.isArray(value)) {
        return value.flatMap(strings);
    }
    return typeof value === "object" && value !== null ? Object.values(value).flatMap(strings) : [];
}

function filled(
    props: Record<string, unknown>,
    resource: RecordedResource,
    ids: ReadonlyMap<string, string>,
): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(props)) {
        const known = new Set(strings(value));
        // The ids this property was computed from that it does not already show.
        const pending = (resource.propertyDependencies[key] ?? [])
            .map((urn) => ids.get(urn))
            .filter((id): id is string => id !== undefined && !known.has(id));
        // A list a preview could not know at all is one unknown; deployed, it lists what it was computed from.
        result[key] =
            value === UNKNOWN_SENTINEL && LIST_PROPERTIES.has(key) ? pending : fill(value, ids, pending);
    }
    return result;
}

/** A `pulumi stack export` document (version 3 unless asked) of what the recorded program would deploy. */
export function deploymentOf(recorded: readonly RecordedResource[], options: ExportOptions): unknown {
    const { project, stack } = options;
    const stackUrn = `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
    const providerUrn = `urn:pulumi:${stack}::${project}::pulumi:providers:alicloud::default_3_108_0`;
    const providerId = "04f4a1d6-7b0a-4c1e-9a51-0c3f2d7e8b19";
    const ids = new Map<string, string>();
    for (const resource of recorded) {
        if (resource.custom) {
            ids.set(resource.urn, fakeId(resource));
        }
    }
    const resources: Record<string, unknown>[] = [
        { urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack", outputs: {} },
        {
            urn: providerUrn,
            custom: true,
            id: providerId,
            type: "pulumi:providers:alicloud",
            inputs: { __internal: {}, region: "cn-hangzhou", version: "3.108.0" },
            outputs: { region: "cn-hangzhou", version: "3.108.0" },
        },
    ];
    for (const resource of recorded) {
        const inputs = filled(resource.inputs, resource, ids);
        const id = ids.get(resource.urn);
        const outputs = resource.custom ? { ...inputs, id } : filled(resource.outputs, resource, ids);
        resources.push({
            urn: resource.urn,
            custom: resource.custom,
            ...(id ? { id } : {}),
            type: resource.type,
            inputs: resource.custom ? { ...inputs, __defaults: [] } : inputs,
            outputs,
            parent: resource.parent ?? stackUrn,
            dependencies: resource.dependencies,
            propertyDependencies: resource.propertyDependencies,
            ...(resource.custom && resource.type.startsWith("alicloud:")
                ? { provider: `${providerUrn}::${providerId}` }
                : {}),
            ...(resource.source
                ? {
                      sourcePosition: `project:///${path
                          .relative(options.projectDir, resource.source.file)
                          .split(path.sep)
                          .join("/")}#${resource.source.line},${resource.source.column}`,
                  }
                : {}),
            created: "2026-01-12T09:30:00.000Z",
            modified: "2026-01-12T09:30:00.000Z",
        });
    }
    return {
        version: options.version ?? 3,
        ...(options.version === 4 ? { features: ["refreshBeforeUpdate"] } : {}),
        deployment: {
            manifest: { time: "2026-01-12T09:30:00.000Z", magic: "", version: "v3.200.0" },
            secrets_providers: {
                type: "passphrase",
                state: { salt: "v1:Zm9vYmFyYmF6cXV4:v1:AAAAAAAAAAAAAAAA:" },
            },
            resources,
        },
    };
}
