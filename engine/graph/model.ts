import { attributeAccess, riskyPortsIn, summarizeAccess } from "../../core/attribution";
import { isAnyAddress, isOpenInternet, parseCidr } from "../../core/cidr";
import type { AllowedRegion } from "../../core/effective";
import { formatPortRange, type Protocol } from "../../core/ports";
import { riskyPresetPorts } from "../../core/presets";
import { NIC_TYPES, type NicType, type SecurityRule } from "../../core/rule";
import { memberDisplayName } from "../../core/members/catalog";
import { joinStack, type StackGroup, type StackModel, type StackResourceInput } from "../../core/stack";
import type { RecordedResource } from "../types";
import { toAnalyzerValue } from "../wire";

/**
 * The graph of who can reach whom: the stack's security groups, the Internet, and every other peer a rule
 * names, joined by what core's evaluation EFFECTIVELY allows (DESIGN §3's `graph --format json`).
 *
 * Edges are ingress: an edge `peer → group` says that the group's rules let the peer reach at least one of
 * its members (or, for a group nothing joins, the group) on those ports. Members' groups are pooled, so a
 * drop in one of an instance's groups removes what another group's accept would open; each allowed cell of a
 * pool is drawn for the group whose rule decides it, and inner access as an edge from the group to itself.
 */

export type NodeKind = "group" | "internet" | "cidr" | "external-group";

export interface GraphNode {
    readonly id: string;
    readonly label: string;
    readonly kind: NodeKind;
    /**
     * The resources that join the group, as the member catalog labels them: an ECS instance by its name, any
     * other type with its kind (`ACK node pool pool-a`, `ECI container group job`); empty for peers.
     */
    readonly instances: readonly string[];
    /** Database whitelists that admit the group's members (`Redis instance cache`); absent when none. */
    readonly admittedBy?: readonly string[];
}

export interface GraphEdge {
    readonly from: string;
    readonly to: string;
    readonly protocol: Protocol;
    /** `start/end`, merged and ascending; `-1/-1` for protocols without ports and for `all`. */
    readonly ports: readonly string[];
}

/** DESIGN §3's document, exactly. */
export interface GraphDocument {
    readonly nodes: readonly GraphNode[];
    readonly edges: readonly GraphEdge[];
}

/** What renderers emphasise, beside the document. */
export interface GraphModel extends GraphDocument {
    /** Node ids standing for the open Internet: the Internet node and broad public CIDR blocks. */
    readonly internetFacing: ReadonlySet<string>;
    /** Risky tcp/udp ports (the policy pack's default `riskyPorts`) each edge reaches, by edge index. */
    readonly riskyPorts: readonly (readonly number[])[];
    /**
     * Group node ids whose access could not be fully evaluated: a rule or group unknown in preview, or a
     * member also joined to a group outside the stack, whose rules (maybe drops) are not seen.
     */
    readonly incomplete: ReadonlySet<string>;
}

export interface GraphOptions {
    /** Ports that must not face the open Internet. Defaults to the policy pack's default (`riskyPresetPorts`). */
    readonly riskyPorts?: readonly number[];
    /**
     * Read what is deployed, every resource's outputs, as `AnalyzeStack` sees a stack export; by default a
     * preview's plan, a custom resource's inputs.
     */
    readonly deployed?: boolean;
}

const INTERNET_NODE_ID = "internet";

/**
 * Any address on a classic-network group's intranet rule: every instance of every tenant on the shared classic
 * network, not the Internet (which a classic group's internet-NIC rules govern).
 */
const CLASSIC_INTRANET_NODE_ID = "classic-intranet";
const CLASSIC_INTRANET_LABEL = "classic intranet (all tenants)";

/**
 * The analyzer's view of recorded resources: what the policy pack's stack policies join, too.
 * @internal
 */
export function stackInputs(resources: readonly RecordedResource[], deployed = false): StackResourceInput[] {
    return resources.map((resource) => ({
        urn: resource.urn,
        type: resource.type,
        name: resource.name,
        props: toAnalyzerValue(resource.custom && !deployed ? resource.inputs : resource.outputs),
        propertyDependencies: resource.propertyDependencies,
    }));
}

/**
 * Group node ids: the logical name, made unique when two groups share one (under different parents).
 * @internal
 */
export function groupIds(groups: readonly StackGroup[]): Map<string, string> {
    const ids = new Map<string, string>();
    const used = new Set<string>([INTERNET_NODE_ID]);
    for (const group of groups) {
        let id = group.name;
        for (let n = 2; used.has(id) || id.startsWith("cidr:") || id.startsWith("external:"); n++) {
            id = `${group.name}#${n}`;
        }
        used.add(id);
        ids.set(group.urn, id);
    }
    return ids;
}

/**
 * Builds the graph of a stack's resources. Never throws on odd input: what cannot be read draws nothing.
 * @internal
 */
export function buildGraph(model: StackModel, options: GraphOptions = {}): GraphModel {
    const risky = options.riskyPorts ?? riskyPresetPorts();
    const ids = groupIds(model.groups);
    const nodes = new Map<string, GraphNode>();
    const internetFacing = new Set<string>();
    const incomplete = new Set<string>();
    for (const group of model.groups) {
        const label = (member: StackGroup["attachments"][number]["member"]) =>
            memberDisplayName(member.type, member.name);
        const instances = [...new Set(group.attachments.map((attachment) => label(attachment.member)))];
        const admittedBy = [...new Set(group.admittedBy.map((attachment) => label(attachment.member)))];
        const id = ids.get(group.urn) as string;
        nodes.set(id, {
            id,
            label: group.name,
            kind: "group",
            instances,
            ...(admittedBy.length > 0 ? { admittedBy } : {}),
        });
    }
    const peerNodes = new Map<string, GraphNode>();
    /** The node a rule's peer stands for, created on first use. */
    const peerNode = (rule: SecurityRule<string>, classicGroup: boolean): string | undefined => {
        const peer = rule.peer;
        let node: GraphNode;
        switch (peer.kind) {
            case "cidr":
            case "ipv6Cidr": {
                const cidr = parseCidr(peer.cidr);
                if (!cidr) {
                    return undefined;
                }
                if (isAnyAddress(cidr) && classicGroup && rule.nicType === "intranet") {
                    node = {
                        id: CLASSIC_INTRANET_NODE_ID,
                        label: CLASSIC_INTRANET_LABEL,
                        kind: "cidr",
                        instances: [],
                    };
                    // Every tenant's classic instances: as open as the Internet, and judged as such.
                    internetFacing.add(node.id);
                } else if (isAnyAddress(cidr)) {
                    node = { id: INTERNET_NODE_ID, label: "Internet", kind: "internet", instances: [] };
                    internetFacing.add(node.id);
                } else {
                    // One node per block; the label keeps the spelling the first rule used.
                    node = {
                        id: `cidr:${cidr.network}/${cidr.prefix}`,
                        label: cidr.text.trim(),
                        kind: "cidr",
                        instances: [],
                    };
                    if (isOpenInternet(cidr)) {
                        internetFacing.add(node.id);
                    }
                }
                break;
            }
            case "group": {
                const stackGroup = model.groupByUrn.get(peer.groupId);
                if (stackGroup) {
                    return ids.get(stackGroup.urn);
                }
                const qualified =
                    peer.ownerId === undefined ? peer.groupId : `${peer.ownerId}/${peer.groupId}`;
                const label =
                    peer.ownerId === undefined ? peer.groupId : `${peer.groupId} (account ${peer.ownerId})`;
                node = { id: `external:${qualified}`, label, kind: "external-group", instances: [] };
                break;
            }
            case "prefixList":
                node = {
                    id: `prefix-list:${peer.prefixListId}`,
                    label: `prefix list ${peer.prefixListId}`,
                    kind: "cidr",
                    instances: [],
                };
                break;
        }
        if (!peerNodes.has(node.id)) {
            peerNodes.set(node.id, node);
        }
        return node.id;
    };

    const regionsByEdge = new Map<string, { from: string; to: string; regions: AllowedRegion[] }>();
    const add = (from: string, to: string, regions: readonly AllowedRegion[]) => {
        const key = JSON.stringify([from, to]);
        const entry = regionsByEdge.get(key) ?? { from, to, regions: [] };
        entry.regions.push(...regions);
        regionsByEdge.set(key, entry);
    };

    for (const pool of pools(model)) {
        const stackRules = pool.groups
            .flatMap((group) => group.rules)
            .filter((rule) => rule.rule !== undefined);
        const rules = stackRules.map((rule) => rule.rule as SecurityRule<string>);
        const inner = pool.groups
            .filter((group) => group.reading.innerAccept === true)
            .map((group) => group.urn);
        const poolComplete =
            pool.unseenGroups === 0 &&
            stackRules.length === pool.groups.reduce((count, group) => count + group.rules.length, 0) &&
            pool.groups.every((group) => typeof group.reading.innerAccept === "boolean");
        if (!poolComplete) {
            pool.groups.forEach((group) => incomplete.add(ids.get(group.urn) as string));
        }
        const vpc = pool.groups.every((group) => group.reading.vpc);
        const nicTypes: readonly NicType[] = vpc ? ["intranet"] : NIC_TYPES;
        for (const nicType of nicTypes) {
            const attributed = attributeAccess(rules, {
                direction: "ingress",
                nicType,
                innerAccessGroups: inner,
            });
            for (const { rule, regions } of attributed.byRule) {
                const owner = stackRules[rule].group;
                const from = peerNode(rules[rule], owner.kind === "stack" && !owner.group.reading.vpc);
                if (owner.kind !== "stack" || from === undefined) {
                    continue;
                }
                add(from, ids.get(owner.group.urn) as string, regions);
            }
            for (const { groupId, regions } of attributed.byInnerAccess) {
                const id = ids.get(groupId);
                if (id !== undefined) {
                    add(id, id, regions);
                }
            }
        }
    }

    const edges: GraphEdge[] = [];
    const riskyPorts: number[][] = [];
    for (const { from, to, regions } of regionsByEdge.values()) {
        for (const access of summarizeAccess(regions)) {
            edges.push({ from, to, protocol: access.protocol, ports: access.ports.map(formatPortRange) });
            riskyPorts.push(riskyPortsIn(access.protocol, access.ports, risky));
        }
    }
    const peers = [...peerNodes.values()];
    const kindOrder: Record<NodeKind, number> = { internet: 0, group: 1, cidr: 2, "external-group": 3 };
    const allNodes = [...nodes.values(), ...peers].sort(
        (a, b) =>
            kindOrder[a.kind] - kindOrder[b.kind] || (a.kind === "group" ? 0 : a.id.localeCompare(b.id)),
    );
    const position = new Map(allNodes.map((node, index) => [node.id, index]));
    const order = edges
        .map((edge, index) => index)
        .sort(
            (a, b) =>
                (position.get(edges[a].to) as number) - (position.get(edges[b].to) as number) ||
                (position.get(edges[a].from) as number) - (position.get(edges[b].from) as number) ||
                PROTOCOL_ORDER.indexOf(edges[a].protocol) - PROTOCOL_ORDER.indexOf(edges[b].protocol),
        );
    return {
        nodes: allNodes,
        edges: order.map((index) => edges[index]),
        riskyPorts: order.map((index) => riskyPorts[index]),
        internetFacing,
        incomplete,
    };
}

const PROTOCOL_ORDER: readonly Protocol[] = ["all", "tcp", "udp", "icmp", "icmpv6", "gre"];

interface Pool {
    readonly groups: readonly StackGroup[];
    /** Groups an attachment names that could not be joined yet, or that live outside the stack: unseen rules. */
    readonly unseenGroups: number;
}

/**
 * The distinct sets of groups whose rules are evaluated together: each member attachment's groups (pooled,
 * DESIGN §4), and each group nothing joins on its own.
 */
function pools(model: StackModel): Pool[] {
    const found = new Map<string, Pool>();
    for (const member of model.members) {
        for (const attachment of member.attachments) {
            const groups = attachment.groups.flatMap((ref) => (ref.kind === "stack" ? [ref.group] : []));
            if (groups.length === 0) {
                continue;
            }
            const unseen =
                attachment.unknownCount + attachment.groups.filter((ref) => ref.kind === "external").length;
            const key = JSON.stringify([groups.map((group) => group.urn).sort(), unseen]);
            if (!found.has(key)) {
                found.set(key, { groups, unseenGroups: unseen });
            }
        }
    }
    for (const group of model.groups) {
        if (group.attachments.length === 0) {
            found.set(JSON.stringify([[group.urn], 0]), { groups: [group], unseenGroups: 0 });
        }
    }
    return [...found.values()];
}

/** Runs the join and builds the graph of recorded resources. */
export function graphOfResources(
    resources: readonly RecordedResource[],
    options: GraphOptions = {},
): GraphModel {
    return buildGraph(joinStack(stackInputs(resources, options.deployed)), options);
}

/** The JSON document of DESIGN §3: nodes and edges only. */
export function graphDocument(graph: GraphModel): GraphDocument {
    return {
        nodes: graph.nodes.map(({ id, label, kind, instances, admittedBy }) => ({
            id,
            label,
            kind,
            instances: [...instances],
            ...(admittedBy ? { admittedBy: [...admittedBy] } : {}),
        })),
        edges: graph.edges.map(({ from, to, protocol, ports }) => ({
            from,
            to,
            protocol,
            ports: [...ports],
        })),
    };
}
