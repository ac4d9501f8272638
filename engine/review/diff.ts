import { riskyPortsIn, summarizeAccess } from "../../core/attribution";
import { internetExposures, PACKET_PROTOCOLS, type PacketProtocol } from "../../core/effective";
import { unknownRuleFields } from "../../core/explain";
import {
    formatPortRange,
    hasPorts,
    mergePortRanges,
    NO_PORTS,
    parsePortRange,
    subtractPortRanges,
    type PortRange,
    type Protocol,
} from "../../core/ports";
import { riskyPresetPorts } from "../../core/presets";
import { NIC_TYPES, type NicType } from "../../core/rule";
import {
    evaluateAttachment,
    type StackAttachment,
    type StackGroup,
    type StackMember,
    type StackModel,
} from "../../core/stack";
import { buildGraph, groupIds, type GraphModel, type GraphNode, type NodeKind } from "../graph/model";
import { configuredExposure, type ReportViolation } from "../report";
import type { RecordedResource } from "../types";
import { isUnknown } from "../../core/read";
import { sideModel, type LoadedSide, type SideOrigin } from "./sides";

/**
 * What a change opens or closes: the effective access of two sides (BASE and HEAD) compared edge by edge, an edge
 * being what a peer may reach in a group after priority resolution with every member's groups pooled (the graph's
 * edges, `engine/graph/model.ts`), with the members that joined or left groups and the policy findings that are
 * new or resolved. The document is `alicloud-sg diff --format json` (README, "Reviewing a change").
 */

/** How groups (and members, and the resources findings name) are matched across the sides. */
type MatchBy = "logical name" | "URN" | "id";

export interface DiffNodeRef {
    /** The graph's node id on the side it comes from (HEAD's when both have it). */
    readonly id: string;
    readonly label: string;
    readonly kind: NodeKind;
}

export interface DiffAccess {
    readonly protocol: Protocol;
    /** `start/end`, merged and ascending; `-1/-1` for protocols without ports and for `all`. */
    readonly ports: readonly string[];
}

type EdgeChange = "added" | "removed" | "widened" | "narrowed" | "changed";
const EDGE_CHANGES: readonly EdgeChange[] = ["added", "removed", "widened", "narrowed", "changed"];

export interface DiffEdge {
    readonly change: EdgeChange;
    readonly from: DiffNodeRef;
    readonly to: DiffNodeRef;
    /** The peer is the open Internet: any address or a broad public block. */
    readonly openInternet: boolean;
    readonly base: readonly DiffAccess[];
    readonly head: readonly DiffAccess[];
    /** What HEAD lets in that BASE did not. */
    readonly opened: readonly DiffAccess[];
    /** What BASE let in that HEAD does not. */
    readonly closed: readonly DiffAccess[];
    /** Risky ports among `opened` when the peer is the open Internet. */
    readonly riskyPorts: readonly number[];
    /**
     * Some rule or group of the target group is not known yet or not seen on a side: the edge is what the
     * known rules let in, and the unknowns are listed.
     */
    readonly incomplete: boolean;
    /** The BASE group the target group appears to be renamed from (it reads as removed plus added). */
    readonly renamedFrom: DiffNodeRef | null;
    /**
     * HEAD lets the open Internet in where BASE did not (for a renamed group, compared with the group it
     * replaces): what makes the exit status 1.
     */
    readonly opensToInternet: boolean;
}

export interface DiffMember {
    readonly member: { readonly id: string; readonly label: string; readonly type: string };
    readonly change: "added" | "removed" | "changed";
    /** Groups it joins in HEAD and not in BASE (every group, for an added member). */
    readonly joined: readonly DiffNodeRef[];
    /** Groups it joined in BASE and not in HEAD (every group, for a removed member). */
    readonly left: readonly DiffNodeRef[];
    /** Risky ports the open Internet reaches on this member in HEAD and did not in BASE, its groups pooled. */
    readonly openedToInternet: readonly { readonly protocol: "tcp" | "udp"; readonly port: number }[];
}

export interface DiffSideInfo {
    /** As given on the command line. */
    readonly source: string;
    readonly kind: SideOrigin;
    readonly project: string;
    readonly stack: string;
    /** The commit of a `git:REF` side. */
    readonly commit: string | null;
}

export interface DiffDocument {
    readonly base: DiffSideInfo;
    readonly head: DiffSideInfo;
    readonly matchedBy: MatchBy;
    readonly edges: readonly DiffEdge[];
    readonly groups: {
        readonly added: readonly DiffNodeRef[];
        readonly removed: readonly DiffNodeRef[];
        readonly renamed: readonly { readonly from: DiffNodeRef; readonly to: DiffNodeRef }[];
    };
    readonly members: readonly DiffMember[];
    readonly findings: {
        readonly new: readonly ReportViolation[];
        readonly resolved: readonly ReportViolation[];
    };
    /** What each side does not show: values not known yet, groups outside the stack. */
    readonly unknowns: { readonly base: readonly string[]; readonly head: readonly string[] };
    readonly summary: {
        /** HEAD opens something new to the open Internet (an edge or a member's risky port). */
        readonly opensToInternet: boolean;
        readonly newMandatory: number;
        readonly resolvedMandatory: number;
        readonly newAdvisory: number;
        readonly resolvedAdvisory: number;
        readonly edges: Readonly<Record<EdgeChange, number>>;
        /** 1 when HEAD opens something new to the open Internet or adds a mandatory finding, else 0. */
        readonly exitCode: 0 | 1;
    };
}

/** Per packet protocol, the allowed ports (`[-1/-1]` for protocols without ports). */
type AccessMap = Map<PacketProtocol, PortRange[]>;

interface EdgeEntry {
    readonly from: GraphNode;
    readonly to: GraphNode;
    readonly access: AccessMap;
}

/** One side, read for comparison. */
interface SideView {
    readonly side: LoadedSide;
    readonly model: StackModel;
    readonly graph: GraphModel;
    readonly risky: readonly number[];
    readonly nodes: ReadonlyMap<string, GraphNode>;
    /** Graph node id → the key it is matched by. */
    readonly nodeKey: ReadonlyMap<string, string>;
    /** Group key → graph node id. */
    readonly groupNode: ReadonlyMap<string, string>;
    /** `fromKey → toKey` → edge. */
    readonly edges: ReadonlyMap<string, EdgeEntry>;
    /** Member key → member. */
    readonly members: ReadonlyMap<string, StackMember>;
    readonly memberKeyOf: (member: StackMember) => string;
    readonly groupKeyOf: (group: StackGroup) => string;
    /** The key a finding's resource is matched by. */
    readonly resourceKey: (urn: string | null) => string;
}

function matchByFor(base: SideOrigin, head: SideOrigin): MatchBy {
    if (base === "aliyun" || head === "aliyun") {
        return "id";
    }
    return base === "program" && head === "program" ? "logical name" : "URN";
}

/** A URN without its stack: a program previewed as `dev` and the export of `prod` name a resource alike. */
function urnWithoutStack(urn: string): string {
    const match = /^urn:pulumi:[^:]*::(.*)$/s.exec(urn);
    return match ? match[1] : urn;
}

function deployedId(resource: RecordedResource | undefined): string | undefined {
    const id = resource?.outputs?.id;
    return typeof id === "string" && id !== "" && !isUnknown(id) ? id : undefined;
}

function edgeKey(from: string, to: string): string {
    return JSON.stringify([from, to]);
}

/** The graph's summarized edges back into per-protocol port sets. */
function accessOf(protocol: Protocol, ports: readonly string[]): AccessMap {
    const access: AccessMap = new Map();
    const protocols = protocol === "all" ? PACKET_PROTOCOLS : [protocol as PacketProtocol];
    for (const packet of protocols) {
        if (!hasPorts(packet)) {
            access.set(packet, [NO_PORTS]);
        } else if (protocol === "all") {
            access.set(packet, [{ from: 1, to: 65535 }]);
        } else {
            access.set(
                packet,
                ports.flatMap((text) => parsePortRange(text) ?? []),
            );
        }
    }
    return access;
}

function mergeAccess(into: AccessMap, more: AccessMap): void {
    for (const [protocol, ports] of more) {
        into.set(
            protocol,
            hasPorts(protocol) ? mergePortRanges([...(into.get(protocol) ?? []), ...ports]) : [NO_PORTS],
        );
    }
}

/** What `a` allows that `b` does not. */
function minus(a: AccessMap | undefined, b: AccessMap | undefined): AccessMap {
    const left: AccessMap = new Map();
    for (const [protocol, ports] of a ?? []) {
        const other = b?.get(protocol);
        if (!hasPorts(protocol)) {
            if (!other) {
                left.set(protocol, [NO_PORTS]);
            }
            continue;
        }
        const rest = subtractPortRanges(ports, other ?? []);
        if (rest.length > 0) {
            left.set(protocol, rest);
        }
    }
    return left;
}

function display(access: AccessMap | undefined): DiffAccess[] {
    const regions = [...(access ?? [])].map(([protocol, ports]) => ({ protocol, ports }));
    return summarizeAccess(regions).map((entry) => ({
        protocol: entry.protocol,
        ports: entry.ports.map(formatPortRange),
    }));
}

function riskyIn(access: AccessMap, risky: readonly number[]): number[] {
    const found = new Set<number>();
    for (const entry of summarizeAccess([...access].map(([protocol, ports]) => ({ protocol, ports })))) {
        riskyPortsIn(entry.protocol, entry.ports, risky).forEach((port) => found.add(port));
    }
    return [...found].sort((a, b) => a - b);
}

function viewOf(side: LoadedSide, matchBy: MatchBy): SideView {
    const model = sideModel(side);
    const exposure = side.report ? configuredExposure(side.report.packs) : {};
    const risky = exposure.riskyPorts ?? riskyPresetPorts();
    const graph = buildGraph(model, { ...exposure, riskyPorts: risky });
    const resources = new Map(side.resources.map((resource) => [resource.urn, resource]));
    const nameCount = new Map<string, number>();
    model.groups.forEach((group) => nameCount.set(group.name, (nameCount.get(group.name) ?? 0) + 1));
    const groupKeyOf = (group: StackGroup): string => {
        const id = deployedId(resources.get(group.urn));
        if (matchBy === "id" && id !== undefined) {
            return `id:${id}`;
        }
        if (matchBy === "logical name" && nameCount.get(group.name) === 1) {
            return `group:${group.name}`;
        }
        return `urn:${urnWithoutStack(group.urn)}`;
    };
    const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
    const nodeKey = new Map<string, string>();
    const groupNode = new Map<string, string>();
    const ids = groupIds(model.groups);
    for (const group of model.groups) {
        const id = ids.get(group.urn) as string;
        const key = groupKeyOf(group);
        nodeKey.set(id, key);
        groupNode.set(key, id);
    }
    for (const node of graph.nodes) {
        if (nodeKey.has(node.id)) {
            continue;
        }
        // An unowned group outside the stack is matched by its id, as a deployed group of the stack is.
        const outsideId = node.kind === "external-group" && /^external:([^/]*)$/.exec(node.id)?.[1];
        nodeKey.set(node.id, matchBy === "id" && outsideId ? `id:${outsideId}` : node.id);
    }
    const edges = new Map<string, EdgeEntry>();
    for (const edge of graph.edges) {
        const key = edgeKey(nodeKey.get(edge.from) as string, nodeKey.get(edge.to) as string);
        const entry = edges.get(key) ?? {
            from: nodes.get(edge.from) as GraphNode,
            to: nodes.get(edge.to) as GraphNode,
            access: new Map(),
        };
        mergeAccess(entry.access, accessOf(edge.protocol, edge.ports));
        edges.set(key, entry);
    }
    const memberNames = new Map<string, number>();
    model.members.forEach((member) => memberNames.set(member.name, (memberNames.get(member.name) ?? 0) + 1));
    const memberKeyOf = (member: StackMember): string => {
        const id = deployedId(resources.get(member.urn));
        if (matchBy === "id" && id !== undefined) {
            return `id:${id}`;
        }
        if (matchBy === "logical name" && memberNames.get(member.name) === 1) {
            return `member:${member.name}`;
        }
        return `urn:${urnWithoutStack(member.urn)}`;
    };
    const members = new Map(model.members.map((member) => [memberKeyOf(member), member]));
    const resourceKey = (urn: string | null): string => {
        const resource = urn === null ? undefined : resources.get(urn);
        if (!resource) {
            return "stack";
        }
        const id = deployedId(resource);
        if (matchBy === "id" && id !== undefined) {
            return `id:${id}`;
        }
        return matchBy === "logical name"
            ? `${resource.type}::${resource.name}`
            : `urn:${urnWithoutStack(resource.urn)}`;
    };
    return {
        side,
        model,
        graph,
        risky,
        nodes,
        nodeKey,
        groupNode,
        edges,
        members,
        memberKeyOf,
        groupKeyOf,
        resourceKey,
    };
}

function refOf(node: GraphNode): DiffNodeRef {
    return { id: node.id, label: node.label, kind: node.kind };
}

/** The keys of the groups an attachment names: stack groups and groups outside the stack by id. */
function attachmentGroupKeys(view: SideView, attachment: StackAttachment): string[] {
    return attachment.groups.map((ref) =>
        ref.kind === "stack"
            ? view.groupKeyOf(ref.group)
            : (view.nodeKey.get(`external:${ref.id}`) ?? `external:${ref.id}`),
    );
}

/**
 * What distinguishes a group apart from its name: who reaches it on what (itself as "self"), and who joins it.
 * Two groups with the same profile on either side of a rename are taken for one group renamed.
 */
function profileOf(view: SideView, groupKey: string): string {
    const nodeId = view.groupNode.get(groupKey);
    const inbound = [...view.edges.values()]
        .filter((edge) => edge.to.id === nodeId)
        .map((edge) => {
            const from = edge.from.id === nodeId ? "self" : (view.nodeKey.get(edge.from.id) as string);
            return JSON.stringify([from, display(edge.access)]);
        })
        .sort();
    const members = [...view.members]
        .filter(([, member]) =>
            member.attachments.some((attachment) => attachmentGroupKeys(view, attachment).includes(groupKey)),
        )
        .map(([key]) => key)
        .sort();
    return JSON.stringify([inbound, members]);
}

/** Pairs of (BASE key, HEAD key) for removed and added groups that look alike, each matched one to one. */
function renames(base: SideView, head: SideView, removed: string[], added: string[]): Map<string, string> {
    const pairs = new Map<string, string>();
    const addedProfiles = new Map(added.map((key) => [key, profileOf(head, key)]));
    const removedProfiles = new Map(removed.map((key) => [key, profileOf(base, key)]));
    for (const [oldKey, profile] of removedProfiles) {
        const candidates = added.filter((key) => addedProfiles.get(key) === profile);
        const rivals = removed.filter((key) => removedProfiles.get(key) === profile);
        if (candidates.length === 1 && rivals.length === 1) {
            pairs.set(oldKey, candidates[0]);
        }
    }
    return pairs;
}

/** Risky tcp/udp ports the open Internet reaches on a member, its groups pooled, as `disallow-public-risky-ports` judges. */
function memberExposure(member: StackMember, risky: readonly number[]): Set<string> {
    const exposed = new Set<string>();
    for (const attachment of member.attachments) {
        const groups = attachment.groups.flatMap((ref) => (ref.kind === "stack" ? [ref.group] : []));
        if (groups.length === 0) {
            continue;
        }
        const nicTypes: readonly NicType[] = groups.every((group) => group.reading.vpc)
            ? ["intranet"]
            : NIC_TYPES;
        for (const nicType of nicTypes) {
            const evaluation = evaluateAttachment(attachment, { direction: "ingress", nicType });
            for (const exposure of internetExposures(evaluation, risky)) {
                exposed.add(`${exposure.protocol}/${exposure.port}`);
            }
        }
    }
    return exposed;
}

/** What a side does not show, one sentence each: values not known yet, groups outside the stack. */
function unknownsOf(model: StackModel): string[] {
    const said: string[] = [];
    const say = (text: string) => {
        if (!said.includes(text)) {
            said.push(text);
        }
    };
    const groupName = (rule: StackModel["rules"][number]): string =>
        rule.group.kind === "stack"
            ? `security group ${rule.group.group.name}`
            : rule.group.kind === "external"
              ? `security group ${rule.group.id}, outside this stack`
              : "a security group not known yet";
    for (const rule of model.rules) {
        const fields = unknownRuleFields(rule);
        if (rule.rule === undefined && fields.length > 0) {
            say(
                `rule ${rule.name} (${groupName(rule)}): ${fields.join(", ")} not known yet, so what it opens or closes is not known`,
            );
        } else if (rule.group.kind !== "stack" && rule.rule !== undefined) {
            say(`rule ${rule.name} is written to ${groupName(rule)}: whose members it governs is not seen`);
        }
    }
    for (const group of model.groups) {
        if (typeof group.reading.innerAccept !== "boolean") {
            say(
                `security group ${group.name}: innerAccessPolicy not known yet, so whether its members reach each other is not known`,
            );
        }
    }
    for (const member of model.members) {
        for (const attachment of member.attachments) {
            if (attachment.unknownCount > 0) {
                say(
                    `${member.name} joins ${attachment.unknownCount === 1 ? "a security group" : `${attachment.unknownCount} security groups`} not known yet, whose rules may open or close its access`,
                );
            }
            for (const ref of attachment.groups) {
                if (ref.kind === "external") {
                    say(
                        `${member.name} joins ${ref.id}, a security group outside this stack: its rules are not seen, and may open or close its access`,
                    );
                }
            }
        }
    }
    return said;
}

function sideInfo(side: LoadedSide): DiffSideInfo {
    return {
        source: side.label,
        kind: side.origin,
        project: side.project,
        stack: side.stack,
        commit: side.commit ?? null,
    };
}

/** Violations of HEAD not in BASE (`new`) and of BASE not in HEAD (`resolved`), matched by policy and resource. */
function compareFindings(
    base: SideView,
    head: SideView,
    renamed: ReadonlyMap<string, string>,
): { new: ReportViolation[]; resolved: ReportViolation[] } {
    const renamedResource = new Map<string, string>();
    for (const [oldKey, newKey] of renamed) {
        const oldGroup = base.model.groups.find((group) => base.groupKeyOf(group) === oldKey);
        const newGroup = head.model.groups.find((group) => head.groupKeyOf(group) === newKey);
        if (oldGroup && newGroup) {
            renamedResource.set(base.resourceKey(oldGroup.urn), head.resourceKey(newGroup.urn));
        }
    }
    const baseKey = (v: ReportViolation) => {
        const key = base.resourceKey(v.urn);
        return renamedResource.get(key) ?? key;
    };
    const headKey = (v: ReportViolation) => head.resourceKey(v.urn);
    const remaining = [...(base.side.report?.document.violations ?? [])];
    const unmatched: ReportViolation[] = [];
    const heads = [...(head.side.report?.document.violations ?? [])];
    // Exact matches first, then the same policy on the same resource whose message changed (a renamed group).
    for (const exact of [true, false]) {
        const pending = exact ? heads : unmatched.splice(0);
        for (const violation of pending) {
            const same = remaining.findIndex(
                (other) =>
                    other.policyPack === violation.policyPack &&
                    other.policyName === violation.policyName &&
                    baseKey(other) === headKey(violation) &&
                    (!exact || other.message === violation.message),
            );
            if (same >= 0) {
                remaining.splice(same, 1);
            } else {
                unmatched.push(violation);
            }
        }
    }
    return { new: unmatched, resolved: remaining };
}

/** Compares two loaded sides. */
export function diffSides(baseSide: LoadedSide, headSide: LoadedSide): DiffDocument {
    const matchBy = matchByFor(baseSide.origin, headSide.origin);
    const base = viewOf(baseSide, matchBy);
    const head = viewOf(headSide, matchBy);

    const baseGroups = [...base.groupNode.keys()];
    const headGroups = [...head.groupNode.keys()];
    const removed = baseGroups.filter((key) => !head.groupNode.has(key));
    const added = headGroups.filter((key) => !base.groupNode.has(key));
    const renamed = renames(base, head, removed, added);
    const renamedFrom = new Map([...renamed].map(([oldKey, newKey]) => [newKey, oldKey]));
    const groupRef = (view: SideView, key: string): DiffNodeRef =>
        refOf(view.nodes.get(view.groupNode.get(key) as string) as GraphNode);

    const edges: DiffEdge[] = [];
    const keys = [...new Set([...head.edges.keys(), ...base.edges.keys()])];
    for (const key of keys) {
        const before = base.edges.get(key);
        const after = head.edges.get(key);
        const opened = minus(after?.access, before?.access);
        const closed = minus(before?.access, after?.access);
        if (opened.size === 0 && closed.size === 0) {
            continue;
        }
        const change: EdgeChange = !before
            ? "added"
            : !after
              ? "removed"
              : closed.size === 0
                ? "widened"
                : opened.size === 0
                  ? "narrowed"
                  : "changed";
        const [fromKey, toKey] = JSON.parse(key) as [string, string];
        const present = (after ?? before) as EdgeEntry;
        const view = after ? head : base;
        const openInternet = view.graph.internetFacing.has(present.from.id);
        // A renamed group is compared with the group it replaces: a rename opens nothing new by itself.
        const oldKey = after ? renamedFrom.get(toKey) : undefined;
        const counterpart =
            oldKey === undefined
                ? before
                : base.edges.get(
                      edgeKey(fromKey === toKey ? oldKey : (renamedFrom.get(fromKey) ?? fromKey), oldKey),
                  );
        const newlyOpened = oldKey === undefined ? opened : minus(after?.access, counterpart?.access);
        const incomplete =
            (after !== undefined && head.graph.incomplete.has(after.to.id)) ||
            (before !== undefined && base.graph.incomplete.has(before.to.id));
        edges.push({
            change,
            from: refOf(present.from),
            to: refOf(present.to),
            openInternet,
            base: display(before?.access),
            head: display(after?.access),
            opened: display(opened),
            closed: display(closed),
            riskyPorts: openInternet ? riskyIn(opened, head.risky) : [],
            incomplete,
            renamedFrom: oldKey === undefined ? null : groupRef(base, oldKey),
            opensToInternet: openInternet && after !== undefined && newlyOpened.size > 0,
        });
    }

    const members: DiffMember[] = [];
    const memberKeys = [...new Set([...head.members.keys(), ...base.members.keys()])];
    const groupsOf = (
        view: SideView,
        member: StackMember | undefined,
        rename = false,
    ): Map<string, DiffNodeRef> => {
        const found = new Map<string, DiffNodeRef>();
        for (const attachment of member?.attachments ?? []) {
            for (const key of attachmentGroupKeys(view, attachment)) {
                const node = view.groupNode.get(key) ?? [...view.nodeKey].find(([, k]) => k === key)?.[0];
                const ref = node
                    ? refOf(view.nodes.get(node) as GraphNode)
                    : { id: key, label: key, kind: "external-group" as const };
                found.set(rename ? (renamed.get(key) ?? key) : key, ref);
            }
        }
        return found;
    };
    for (const key of memberKeys) {
        const before = base.members.get(key);
        const after = head.members.get(key);
        const beforeGroups = groupsOf(base, before, true);
        const afterGroups = groupsOf(head, after);
        const joined = [...afterGroups].filter(([k]) => !beforeGroups.has(k)).map(([, ref]) => ref);
        const left = [...beforeGroups].filter(([k]) => !afterGroups.has(k)).map(([, ref]) => ref);
        const exposedBefore = before ? memberExposure(before, head.risky) : new Set<string>();
        const exposedAfter = after ? memberExposure(after, head.risky) : new Set<string>();
        const openedToInternet = [...exposedAfter]
            .filter((entry) => !exposedBefore.has(entry))
            .map((entry) => {
                const [protocol, port] = entry.split("/");
                return { protocol: protocol as "tcp" | "udp", port: Number(port) };
            })
            .sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
        if (before && after && joined.length === 0 && left.length === 0 && openedToInternet.length === 0) {
            continue;
        }
        const member = (after ?? before) as StackMember;
        members.push({
            member: { id: member.name, label: member.name, type: member.type },
            change: !before ? "added" : !after ? "removed" : "changed",
            joined,
            left,
            openedToInternet,
        });
    }

    const findings = compareFindings(base, head, renamed);
    const count = (list: readonly ReportViolation[], level: "mandatory" | "advisory") =>
        list.filter((v) => v.enforcementLevel === level).length;
    const opensToInternet =
        edges.some((edge) => edge.opensToInternet) ||
        members.some((member) => member.openedToInternet.length > 0);
    const newMandatory = count(findings.new, "mandatory");
    const edgeCounts = Object.fromEntries(
        EDGE_CHANGES.map((change) => [change, edges.filter((edge) => edge.change === change).length]),
    ) as Record<EdgeChange, number>;
    return {
        base: sideInfo(baseSide),
        head: sideInfo(headSide),
        matchedBy: matchBy,
        edges,
        groups: {
            added: added.map((key) => groupRef(head, key)),
            removed: removed.map((key) => groupRef(base, key)),
            renamed: [...renamed].map(([oldKey, newKey]) => ({
                from: groupRef(base, oldKey),
                to: groupRef(head, newKey),
            })),
        },
        members,
        findings,
        unknowns: { base: unknownsOf(base.model), head: unknownsOf(head.model) },
        summary: {
            opensToInternet,
            newMandatory,
            resolvedMandatory: count(findings.resolved, "mandatory"),
            newAdvisory: count(findings.new, "advisory"),
            resolvedAdvisory: count(findings.resolved, "advisory"),
            edges: edgeCounts,
            exitCode: opensToInternet || newMandatory > 0 ? 1 : 0,
        },
    };
}
