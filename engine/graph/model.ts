import { attributeAccess, summarizeAccess } from "../../core/attribution";
import { type BroadnessLimits, isAnyAddress, isOpenInternet, parseCidr } from "../../core/cidr";
import { type AllowedRegion, type PacketProtocol } from "../../core/effective";
import {
    describeUncertainty,
    exposureScopes,
    type ExposureScope,
    judgeScope,
    lowerBounds,
    type ScopeExposure,
    type Uncertainty,
} from "../../core/exposure";
import { formatPortRange, mergePortRanges, type PortRange, type Protocol } from "../../core/ports";
import { riskyPresetPorts } from "../../core/presets";
import { type SecurityRule } from "../../core/rule";
import { isRejected } from "../../core/validity";
import { memberDisplayName } from "../../core/members/catalog";
import {
    type GroupRef,
    joinStack,
    type StackGroup,
    type StackModel,
    type StackResourceInput,
} from "../../core/stack";
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
     * other type with its kind (`ACK node pool pool-a`, `ECI container group job`); for a group outside the
     * stack, the stack's members that join it; empty for other peers.
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

/** Risky ports the open Internet may reach in a group, though no known rule opens them: "can't tell yet". */
interface UncertainAccess {
    readonly ports: readonly number[];
    /** What could open them: `rule web-x, whose cidrIp is not known yet`. */
    readonly because: string;
}

/** What renderers emphasise, beside the document. */
export interface GraphModel extends GraphDocument {
    /** Node ids standing for the open Internet: the Internet node, broad public blocks, and peers of open edges. */
    readonly internetFacing: ReadonlySet<string>;
    /**
     * Whether each edge (by index) lets in the open Internet: any address, a broad public block, or a run of
     * touching blocks broader than one (core's `openInternetAccess`, as `disallow-public-risky-ports` judges).
     */
    readonly openInternet: readonly boolean[];
    /** Risky tcp/udp ports the open Internet reaches through each edge, by edge index (empty when not open). */
    readonly riskyPorts: readonly (readonly number[])[];
    /**
     * Group node ids whose access could not be fully evaluated: a rule or group unknown in preview, or a
     * member also joined to a group outside the stack, whose rules (maybe drops) are not seen.
     */
    readonly incomplete: ReadonlySet<string>;
    /** Per group node: risky ports that may be open though no known rule opens them, and why. */
    readonly uncertain: ReadonlyMap<string, readonly UncertainAccess[]>;
    /**
     * Per group node: what could still close the risky ports its edges open (unseen groups, rules not known yet),
     * as noun phrases that keep their appositive commas (`security group sg-1, outside this stack,`).
     */
    readonly closers: ReadonlyMap<string, readonly string[]>;
    /** Per group node: drops that would close its risky ports but that the API refuses, by rule name. */
    readonly refusedDrops: ReadonlyMap<string, readonly string[]>;
    /** The thresholds the open Internet was judged by (the policy's `minIpv4Prefix`/`minIpv6Prefix`). */
    readonly limits?: BroadnessLimits;
}

export interface GraphOptions extends BroadnessLimits {
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

/** A member as the catalog labels it: an ECS instance by its name, any other type with its kind. */
const memberLabel = (member: StackGroup["attachments"][number]["member"]): string =>
    memberDisplayName(member.type, member.name);

/** The node id of a rule written to a group that cannot be named yet. */
export const UNKNOWN_GROUP_NODE_ID = "unknown-group";

/**
 * Group node ids: the logical name, made unique when two groups share one (under different parents).
 * @internal
 */
export function groupIds(groups: readonly StackGroup[]): Map<string, string> {
    const ids = new Map<string, string>();
    const used = new Set<string>([INTERNET_NODE_ID, CLASSIC_INTRANET_NODE_ID, UNKNOWN_GROUP_NODE_ID]);
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

const externalId = (groupId: string, ownerId?: string) =>
    `external:${ownerId === undefined ? groupId : `${ownerId}/${groupId}`}`;

/**
 * Builds the graph of a stack's resources. Never throws on odd input: what cannot be read draws nothing.
 * @internal
 */
export function buildGraph(model: StackModel, options: GraphOptions = {}): GraphModel {
    const risky = options.riskyPorts ?? riskyPresetPorts();
    const limits: BroadnessLimits = {
        minIpv4Prefix: options.minIpv4Prefix,
        minIpv6Prefix: options.minIpv6Prefix,
    };
    const ids = groupIds(model.groups);
    const nodes = new Map<string, GraphNode>();
    const internetFacing = new Set<string>();
    const incomplete = new Set<string>();
    for (const group of model.groups) {
        const instances = [...new Set(group.attachments.map((attachment) => memberLabel(attachment.member)))];
        const admittedBy = [...new Set(group.admittedBy.map((attachment) => memberLabel(attachment.member)))];
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
    const addPeer = (node: GraphNode): string => {
        if (!peerNodes.has(node.id)) {
            peerNodes.set(node.id, node);
        }
        return node.id;
    };
    /** The node of a group outside the stack (by id) or not known yet, created on first use. */
    const outsideNode = (groupId: string | undefined, ownerId?: string): string =>
        groupId === undefined
            ? addPeer({
                  id: UNKNOWN_GROUP_NODE_ID,
                  label: "security group not known yet",
                  kind: "external-group",
                  instances: [],
              })
            : addPeer({
                  id: externalId(groupId, ownerId),
                  label: ownerId === undefined ? groupId : `${groupId} (account ${ownerId})`,
                  kind: "external-group",
                  instances: [],
              });
    /** The node a rule is written to. */
    const ownerNode = (ref: GroupRef): string =>
        ref.kind === "stack"
            ? (ids.get(ref.group.urn) as string)
            : outsideNode(ref.kind === "external" ? ref.id : undefined);
    /** The node a rule's peer stands for, created on first use. */
    const peerNode = (rule: SecurityRule<string>, classicNetwork: boolean): string | undefined => {
        const peer = rule.peer;
        switch (peer.kind) {
            case "cidr":
            case "ipv6Cidr": {
                const cidr = parseCidr(peer.cidr);
                if (!cidr) {
                    return undefined;
                }
                if (isAnyAddress(cidr) && classicNetwork && rule.nicType === "intranet") {
                    // Every tenant's classic instances: as open as the Internet, and judged as such.
                    internetFacing.add(CLASSIC_INTRANET_NODE_ID);
                    return addPeer({
                        id: CLASSIC_INTRANET_NODE_ID,
                        label: CLASSIC_INTRANET_LABEL,
                        kind: "cidr",
                        instances: [],
                    });
                }
                if (isAnyAddress(cidr)) {
                    internetFacing.add(INTERNET_NODE_ID);
                    return addPeer({
                        id: INTERNET_NODE_ID,
                        label: "Internet",
                        kind: "internet",
                        instances: [],
                    });
                }
                // One node per block; the label keeps the spelling the first rule used.
                const id = `cidr:${cidr.network}/${cidr.prefix}`;
                if (isOpenInternet(cidr, limits)) {
                    internetFacing.add(id);
                }
                return addPeer({ id, label: cidr.text.trim(), kind: "cidr", instances: [] });
            }
            case "group": {
                const stackGroup = model.groupByUrn.get(peer.groupId);
                return stackGroup ? ids.get(stackGroup.urn) : outsideNode(peer.groupId, peer.ownerId);
            }
            case "prefixList":
                return addPeer({
                    id: `prefix-list:${peer.prefixListId}`,
                    label: `prefix list ${peer.prefixListId}`,
                    kind: "cidr",
                    instances: [],
                });
        }
    };

    interface Pair {
        from: string;
        to: string;
        regions: AllowedRegion[];
        /** Where the open Internet gets in through this pair, per protocol. */
        open: { protocol: PacketProtocol; ports: PortRange }[];
    }
    const pairs = new Map<string, Pair>();
    const pair = (from: string, to: string): Pair => {
        const key = JSON.stringify([from, to]);
        const entry = pairs.get(key) ?? { from, to, regions: [], open: [] };
        pairs.set(key, entry);
        return entry;
    };
    const scopes = exposureScopes(model);
    const nodesOf = (scope: ExposureScope): string[] => {
        switch (scope.kind) {
            case "members":
                return [
                    ...scope.groups.map((group) => ids.get(group.urn) as string),
                    ...scope.outside.map((group) => outsideNode(group.id)),
                ];
            case "group":
                return [ids.get(scope.group.urn) as string];
            case "outside":
                return [outsideNode(scope.group.id)];
            case "unknown-group":
                return [outsideNode(undefined)];
        }
    };
    const outsideMembers = new Map<string, Set<string>>();
    const judgements = new Map<ExposureScope, ScopeExposure>();
    for (const scope of scopes) {
        if (scope.kind === "members") {
            for (const group of scope.outside) {
                const members = outsideMembers.get(group.id) ?? new Set<string>();
                scope.attachments.forEach((attachment) => members.add(memberLabel(attachment.member)));
                outsideMembers.set(group.id, members);
            }
        }
        // Edges are what the known rules let in; the open Internet is marked where the judgement the policy
        // makes finds it, in every network the scope may be in.
        const judged = judgeScope(scope, { riskyPorts: risky, ...limits });
        judgements.set(scope, judged);
        for (const bound of lowerBounds(scope)) {
            const rules = bound.rules.map(({ rule }) => rule);
            const attributed = attributeAccess(rules, {
                direction: "ingress",
                nicType: bound.nicType,
                innerAccessGroups: bound.innerAccessGroups,
            });
            for (const { rule, regions } of attributed.byRule) {
                const { stackRule } = bound.rules[rule];
                // Only a group known to be classic has the shared classic intranet; a group outside the stack
                // may be in either network, and its any-address rules are drawn from the Internet.
                const owner = stackRule.group;
                const from = peerNode(rules[rule], owner.kind === "stack" && !owner.group.reading.vpc);
                if (from === undefined) {
                    continue;
                }
                const entry = pair(from, ownerNode(stackRule.group));
                entry.regions.push(...regions);
                for (const exposure of judged.open) {
                    if (exposure.rule === stackRule) {
                        entry.open.push(
                            ...exposure.ports.map((ports) => ({ protocol: exposure.protocol, ports })),
                        );
                    }
                }
            }
            for (const { groupId, regions } of attributed.byInnerAccess) {
                const id = ids.get(groupId);
                if (id !== undefined) {
                    pair(id, id).regions.push(...regions);
                }
            }
        }
    }

    // What the open Internet may reach though no known rule opens it, and what could close what it does reach:
    // the same judgement as disallow-public-risky-ports makes.
    const uncertain = new Map<string, UncertainAccess[]>();
    const closers = new Map<string, string[]>();
    const refusedDrops = new Map<string, string[]>();
    const note = <T>(map: Map<string, T[]>, id: string, item: T, same: (a: T) => boolean) => {
        const list = map.get(id) ?? [];
        if (!list.some(same)) {
            list.push(item);
        }
        map.set(id, list);
    };
    for (const scope of scopes) {
        const judged = judgements.get(scope) as ScopeExposure;
        if (judged.possible.length > 0 || uncertainIn(scope)) {
            nodesOf(scope).forEach((id) => incomplete.add(id));
        }
        const because = new Map<string, { nodes: string[]; ports: Set<number> }>();
        for (const { port, causes } of judged.possible) {
            for (const cause of causes) {
                const text = causeText(cause, scope);
                const entry = because.get(text) ?? {
                    nodes: causeNodes(cause, scope),
                    ports: new Set<number>(),
                };
                entry.ports.add(port);
                because.set(text, entry);
            }
        }
        for (const [text, { nodes: targets, ports }] of because) {
            for (const id of targets) {
                const list = uncertain.get(id) ?? [];
                const existing = list.find((item) => item.because === text);
                const merged = [...new Set([...(existing?.ports ?? []), ...ports])].sort((a, b) => a - b);
                uncertain.set(id, [
                    ...list.filter((item) => item !== existing),
                    { ports: merged, because: text },
                ]);
            }
        }
        for (const exposure of judged.definite) {
            const id = ownerNode(exposure.rule.group);
            for (const closer of exposure.closers) {
                const text = describeUncertainty(closer);
                note(closers, id, text, (other) => other === text);
            }
            for (const drop of exposure.rejectedDrops) {
                note(refusedDrops, id, drop.name, (other) => other === drop.name);
            }
        }
    }
    function causeNodes(cause: Uncertainty, scope: ExposureScope): string[] {
        switch (cause.kind) {
            case "rule":
                return [ownerNode(cause.rule.group)];
            case "outside-group":
                return [outsideNode(cause.id)];
            case "unknown-groups": {
                // A member in groups not known yet only is drawn in the node of groups not known yet.
                const targets = nodesOf(scope);
                if (targets.length > 0 || scope.kind !== "members") {
                    return targets;
                }
                const id = outsideNode(undefined);
                const node = peerNodes.get(id) as GraphNode;
                const members = scope.attachments.map((attachment) => memberLabel(attachment.member));
                peerNodes.set(id, { ...node, instances: [...new Set([...node.instances, ...members])] });
                return [id];
            }
            case "unknown-group":
                return [outsideNode(undefined)];
        }
    }
    function causeText(cause: Uncertainty, scope: ExposureScope): string {
        if (cause.kind === "rule" || cause.kind === "unknown-group" || scope.kind !== "members") {
            return describeUncertainty(cause).replace(/,$/, "");
        }
        const members = [
            ...new Set(scope.attachments.map((attachment) => memberLabel(attachment.member))),
        ].join(", ");
        return cause.kind === "outside-group"
            ? `its rules are not seen here`
            : `${members} also ${cause.count === 1 ? "joins a security group" : `join ${cause.count} security groups`} not known yet`;
    }

    for (const [groupId, members] of outsideMembers) {
        const id = outsideNode(groupId);
        const node = peerNodes.get(id) as GraphNode;
        peerNodes.set(id, { ...node, instances: [...members] });
    }

    const edges: GraphEdge[] = [];
    const openInternet: boolean[] = [];
    const riskyPorts: number[][] = [];
    for (const { from, to, regions, open } of pairs.values()) {
        for (const access of summarizeAccess(regions)) {
            const blamed = open.filter(
                (entry) => access.protocol === "all" || entry.protocol === access.protocol,
            );
            edges.push({ from, to, protocol: access.protocol, ports: access.ports.map(formatPortRange) });
            openInternet.push(blamed.length > 0);
            const ranges = mergePortRanges(
                blamed
                    .filter((entry) => entry.protocol === "tcp" || entry.protocol === "udp")
                    .map((e) => e.ports),
            );
            riskyPorts.push(
                [...new Set(risky)]
                    .filter((port) => ranges.some((range) => range.from <= port && port <= range.to))
                    .sort((a, b) => a - b),
            );
            if (blamed.length > 0) {
                internetFacing.add(from);
            }
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
        openInternet: order.map((index) => openInternet[index]),
        riskyPorts: order.map((index) => riskyPorts[index]),
        internetFacing,
        incomplete,
        uncertain,
        closers,
        refusedDrops,
        limits,
    };
}

const PROTOCOL_ORDER: readonly Protocol[] = ["all", "tcp", "udp", "icmp", "icmpv6", "gre"];

/** Whether a scope holds anything unseen or not known yet, which may change its picture beyond risky ports. */
function uncertainIn(scope: ExposureScope): boolean {
    switch (scope.kind) {
        case "members":
            return (
                scope.outside.length > 0 ||
                scope.unknownGroups > 0 ||
                scope.groups.some(
                    (group) =>
                        typeof group.reading.innerAccept !== "boolean" ||
                        group.rules.some((rule) => rule.rule === undefined && !isRejected(rule)),
                )
            );
        case "group":
            return (
                typeof scope.group.reading.innerAccept !== "boolean" ||
                scope.group.rules.some((rule) => rule.rule === undefined && !isRejected(rule))
            );
        case "outside":
        case "unknown-group":
            return true;
    }
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
