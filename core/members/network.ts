import { isKnown, readString, UNKNOWN } from "../read";
import { memberTypeOf, NETWORK_CARRIERS, NetworkSpec, VPC_TYPE, VSWITCH_TYPE } from "./catalog";
import { idsIn, topLevelKey, valuesAt } from "./read";

/**
 * Which network a resource lives in: a VPC (known by the VPC resource's URN in the stack, by its id, or both),
 * the classic network, or "can't tell yet". A VPC member joins only groups of its own VPC and a classic member
 * only classic groups (Alibaba's JoinSecurityGroup: `InvalidInstanceId.Mismatch`, "Specified instance and
 * security group are not in the same VPC"); this is what lets a policy say so before deploy.
 *
 * In preview ids are unknown, so a member's network is followed through `propertyDependencies`: the vSwitch its
 * `vswitchId` was computed from, that vSwitch's `vpcId` dependency, the VPC. Nothing is guessed: a vSwitch id
 * that names nothing in the stack leaves the network unknown.
 */

/**
 * A VPC as far as it is known: the URN of the VPC resource in the stack, its id, or both.
 * @internal
 */
export interface VpcRef {
    readonly urn?: string;
    readonly id?: string;
}

/** @internal */
export type NetworkOf =
    | { readonly kind: "vpc"; readonly vpc: VpcRef; readonly via: string }
    | { readonly kind: "classic"; readonly via: string }
    | { readonly kind: "unknown" };

/**
 * One resource as the network resolution reads it.
 * @internal
 */
export interface NetworkResource {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly props: unknown;
    /** The resource's id when known. */
    readonly id: string | undefined;
}

/**
 * How the stack's resources are found: by URN, by id, and a property's dependency URNs.
 * @internal
 */
export interface NetworkLookup {
    readonly byUrn: ReadonlyMap<string, NetworkResource>;
    readonly byId: ReadonlyMap<string, NetworkResource>;
    readonly dependencies: (resource: NetworkResource, property: string) => readonly string[];
}

/**
 * True, false, or undefined when the two cannot be told apart yet.
 * @internal
 */
export function sameVpc(a: VpcRef, b: VpcRef): boolean | undefined {
    if (a.id !== undefined && b.id !== undefined) {
        return a.id === b.id;
    }
    if (a.urn !== undefined && b.urn !== undefined) {
        // Two VPC resources of one stack are two VPCs; with a known id each, the ids decided above.
        return a.urn === b.urn;
    }
    return undefined;
}

/**
 * `VPC main` (the VPC resource's logical name), `VPC vpc-123` (its id), or `a VPC not known yet`.
 * @internal
 */
export function describeVpc(vpc: VpcRef, lookup: NetworkLookup): string {
    const resource = vpc.urn !== undefined ? lookup.byUrn.get(vpc.urn) : undefined;
    return resource ? `VPC ${resource.name}` : vpc.id !== undefined ? `VPC ${vpc.id}` : "a VPC not known yet";
}

const MAX_DEPTH = 4;

/** The network spec of a resource type: a member's, a carrier's (vSwitch, scaling group), or a group's. */
function specOf(type: string): NetworkSpec | undefined {
    if (type === "alicloud:ecs/securityGroup:SecurityGroup") {
        return { vpc: ["vpcId"], classicWithout: ["vpcId"] };
    }
    return memberTypeOf(type)?.network ?? NETWORK_CARRIERS[type];
}

/** The resources a value names: by the property's dependencies first, then by id. */
function referenced(
    resource: NetworkResource,
    path: string,
    lookup: NetworkLookup,
): { targets: NetworkResource[]; ids: string[]; unknown: boolean } {
    const values = valuesAt(resource.props, path);
    const ids = values.flatMap(idsIn);
    const targets = lookup
        .dependencies(resource, topLevelKey(path))
        .flatMap((urn) => lookup.byUrn.get(urn) ?? []);
    const named: NetworkResource[] = [];
    const loose: string[] = [];
    for (const id of ids) {
        const target = isKnown(id) ? lookup.byId.get(id) : undefined;
        if (target) {
            named.push(target);
        } else if (isKnown(id)) {
            loose.push(id);
        }
    }
    return {
        targets: [...new Set([...named, ...targets])],
        ids: loose,
        unknown: ids.some((id) => id === UNKNOWN) && targets.length === 0,
    };
}

/**
 * The network of a resource (a member, a security group, a vSwitch, a scaling group). A resource whose fields
 * lead to two different VPCs, or to nothing known, is "can't tell".
 * @internal
 */
export function networkOf(resource: NetworkResource, lookup: NetworkLookup, depth = 0): NetworkOf {
    if (resource.type === VPC_TYPE) {
        return {
            kind: "vpc",
            vpc: { urn: resource.urn, ...(resource.id ? { id: resource.id } : {}) },
            via: "",
        };
    }
    const spec = specOf(resource.type);
    if (!spec || depth > MAX_DEPTH) {
        return { kind: "unknown" };
    }
    const found: { vpc: VpcRef; via: string }[] = [];
    let unknown = false;
    // A VPC or vSwitch field with any value, known or not, puts the resource in some VPC: not the classic network.
    const vpcField = [...(spec.vpc ?? []), ...(spec.vswitch ?? [])].find(
        (path) => valuesAt(resource.props, path).length > 0,
    );
    const follow = (
        path: string,
        types: (type: string) => boolean,
        describe: (target: NetworkResource) => string,
    ) => {
        const { targets, ids, unknown: unknownValue } = referenced(resource, path, lookup);
        unknown ||= unknownValue;
        for (const target of targets.filter((t) => types(t.type))) {
            const network = networkOf(target, lookup, depth + 1);
            if (network.kind === "vpc") {
                found.push({ vpc: network.vpc, via: describe(target) });
            } else {
                unknown = true;
            }
        }
        return ids;
    };
    for (const path of spec.vpc ?? []) {
        const ids = follow(
            path,
            (type) => type === VPC_TYPE || type === VSWITCH_TYPE,
            (target) => (target.type === VSWITCH_TYPE ? `${path} (from vSwitch ${target.name})` : path),
        );
        ids.forEach((id) => found.push({ vpc: { id }, via: path }));
    }
    for (const path of spec.vswitch ?? []) {
        const ids = follow(
            path,
            (type) => type === VSWITCH_TYPE,
            (target) => `vSwitch ${target.name}`,
        );
        // A vSwitch outside the stack: its VPC cannot be read offline.
        unknown ||= ids.length > 0;
    }
    // A resource that names its own network decides by it; another resource's network is the fallback (a node
    // pool's vSwitches over its cluster's, which the API requires to agree anyway).
    for (const path of found.length > 0 ? [] : (spec.via ?? [])) {
        const { targets, ids, unknown: unknownValue } = referenced(resource, path, lookup);
        unknown ||= unknownValue || ids.length > 0;
        for (const target of targets) {
            const network = networkOf(target, lookup, depth + 1);
            if (network.kind === "vpc") {
                found.push({ vpc: network.vpc, via: `${path} ${target.name}, ${network.via}` });
            } else if (network.kind === "classic") {
                return { kind: "classic", via: `${path} ${target.name}, ${network.via}` };
            } else {
                unknown = true;
            }
        }
    }
    if (found.length > 0) {
        const [first] = found;
        // Fields that disagree (or cannot be compared) are the API's to refuse, not this judgement's.
        return found.every((other) => sameVpc(first.vpc, other.vpc) === true)
            ? { kind: "vpc", vpc: first.vpc, via: first.via }
            : { kind: "unknown" };
    }
    if (vpcField !== undefined) {
        return { kind: "vpc", vpc: {}, via: vpcField };
    }
    if (unknown) {
        return { kind: "unknown" };
    }
    if (spec.networkType !== undefined) {
        const networkType = readString(resource.props, spec.networkType);
        if (isKnown(networkType) && networkType.trim().toLowerCase() === "classic") {
            return { kind: "classic", via: `${spec.networkType} "${networkType}"` };
        }
    }
    const without = spec.classicWithout;
    if (without && without.every((path) => valuesAt(resource.props, path).length === 0)) {
        return { kind: "classic", via: `no ${without.join(", no ")}` };
    }
    return { kind: "unknown" };
}
