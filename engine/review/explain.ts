import { cidrRange, formatAddressRange, parseCidr } from "../../core/cidr";
import { PACKET_PROTOCOLS, type PacketProtocol, type PeerSpace } from "../../core/effective";
import {
    attachmentScope,
    explainPacket,
    groupScope,
    type Decision,
    type ExplainScope,
    type PeerExplanation,
    type Unsure,
} from "../../core/explain";
import { PORT_MAX, PORT_MIN } from "../../core/limits";
import { isUnknown } from "../../core/read";
import type { SecurityRule } from "../../core/rule";
import type { StackGroup, StackMember, StackModel, StackRule } from "../../core/stack";
import { escapeControlCharacters as oneLine } from "../controlChars";
import { GateError } from "../errors";
import type { RecordedResource } from "../types";
import { sideModel, type LoadedSide, type SideOrigin } from "./sides";

/**
 * `alicloud-sg explain`: why a peer can (or cannot) reach a node on a port. For every member of the node (or the
 * group itself when nothing joins it), every rule of its pooled groups that matches the packet, in evaluation
 * order, the one that decides and what is not known that could decide otherwise (`core/explain.ts`).
 */

export type ExplainProtocol = PacketProtocol | "all";
export const EXPLAIN_PROTOCOLS: readonly ExplainProtocol[] = ["tcp", "udp", "icmp", "gre", "all"];

export interface ExplainRequest {
    /** `--to`: a security group or member, by logical name, URN or id. */
    readonly to: string;
    /** `--port`, as given. */
    readonly port: string;
    readonly protocol: ExplainProtocol;
    /** `--from`: an address or block, a security group (logical name, URN or id), or a prefix list id. */
    readonly from?: string;
}

/** One rule of a chain, as the report shows it. */
interface ExplainedRule {
    readonly priority: number;
    readonly policy: "accept" | "drop";
    readonly group: string;
    readonly rule: string;
    /** The rule's own peer (`0.0.0.0/0`, a group's name, `prefix list pl-...`). */
    readonly peer: string;
    readonly description: string | null;
    readonly decides: boolean;
}

interface ExplainedPeer {
    /** `203.0.113.0/24`, `10.0.0.0-10.0.2.255`, `security group web`, `prefix list pl-1 (IPv4 entries)`. */
    readonly peer: string;
    readonly allowed: boolean;
    readonly decidedBy: "rule" | "inner-access" | "no-match";
    /** The sentence saying which one decides and why. */
    readonly reason: string;
    /** Every matching rule, in evaluation order. */
    readonly rules: readonly ExplainedRule[];
    /** What could decide otherwise: unknown values, unseen groups. Empty when the known rules decide for certain. */
    readonly unless: readonly string[];
}

interface ExplainedScope {
    /** The members whose attachments pool these groups; empty for a group nothing joins. */
    readonly members: readonly string[];
    readonly groups: readonly string[];
    readonly outsideGroups: readonly string[];
    readonly unknownGroups: number;
    readonly protocol: PacketProtocol;
    readonly nicType: "intranet" | "internet";
    /** With `--from`, the parts of it; without, every peer allowed in. */
    readonly peers: readonly ExplainedPeer[];
    /** Without `--from`: the peers denied, each with what decides it and what could let it in. */
    readonly denied: readonly Omit<ExplainedPeer, "rules" | "allowed">[];
    /** Rules that would match but that the API would refuse: they take no part. */
    readonly refused: readonly string[];
}

export interface ExplainDocument {
    readonly target: {
        readonly source: string;
        readonly kind: SideOrigin;
        readonly project: string;
        readonly stack: string;
        readonly commit: string | null;
    };
    readonly node: { readonly name: string; readonly type: string; readonly urn: string };
    readonly packet: {
        readonly protocol: ExplainProtocol;
        readonly port: number;
        readonly from: string | null;
    };
    readonly scopes: readonly ExplainedScope[];
}

function deployedId(resource: RecordedResource | undefined): string | undefined {
    const id = resource?.outputs?.id;
    return typeof id === "string" && id !== "" && !isUnknown(id) ? id : undefined;
}

type Found = { kind: "group"; group: StackGroup } | { kind: "member"; member: StackMember };

function listed(names: readonly string[]): string {
    const shown = names.slice(0, 8).join(", ");
    return names.length > 8 ? `${shown}, ...` : shown || "none";
}

/** The group or member `text` names by logical name, URN or id; one clear error otherwise. */
function findNode(model: StackModel, resources: ReadonlyMap<string, RecordedResource>, text: string): Found {
    const names = (urn: string, name: string, id: string | undefined) =>
        name === text || urn === text || id === text || deployedId(resources.get(urn)) === text;
    const found: Found[] = [
        ...model.groups
            .filter((group) => names(group.urn, group.name, group.id))
            .map((group) => ({ kind: "group" as const, group })),
        ...model.members
            .filter((member) => names(member.urn, member.name, undefined))
            .map((member) => ({ kind: "member" as const, member })),
    ];
    if (found.length === 1) {
        return found[0];
    }
    if (found.length > 1) {
        const urns = found.map((entry) => (entry.kind === "group" ? entry.group.urn : entry.member.urn));
        throw new GateError(
            "arguments",
            `--to ${text} names ${found.length} resources; give one of their URNs: ${urns.join(", ")}`,
        );
    }
    throw new GateError(
        "arguments",
        `--to ${text}: no security group or member has that logical name, URN or id (security groups: ${listed(model.groups.map((group) => group.name))}; members: ${listed(model.members.map((member) => member.name))})`,
    );
}

/** The peer `--from` names. */
function findPeer(
    model: StackModel,
    resources: ReadonlyMap<string, RecordedResource>,
    text: string,
): PeerSpace {
    const cidr = parseCidr(text);
    if (cidr) {
        const range = cidrRange(cidr);
        return { kind: "addresses", family: range.family, first: range.first, last: range.last };
    }
    const groups = model.groups.filter(
        (group) =>
            group.name === text ||
            group.urn === text ||
            group.id === text ||
            deployedId(resources.get(group.urn)) === text,
    );
    if (groups.length === 1) {
        // Rules name a stack group by its URN (core/stack's keys).
        return { kind: "group", groupId: groups[0].urn };
    }
    if (groups.length > 1) {
        throw new GateError(
            "arguments",
            `--from ${text} names ${groups.length} security groups; give one of their URNs: ${groups.map((group) => group.urn).join(", ")}`,
        );
    }
    if (/^pl-[A-Za-z0-9]+$/.test(text)) {
        // Both families of the prefix list are explained: `matchPacket` matches a prefix list peer by id.
        return { kind: "prefixList", prefixListId: text, family: "ipv4" };
    }
    if (/^sg-[A-Za-z0-9]+$/.test(text)) {
        return { kind: "group", groupId: text };
    }
    throw new GateError(
        "arguments",
        `--from ${text}: not an IP address or CIDR block, the logical name, URN or id of a security group, a security group id (sg-...) or a prefix list id (pl-...)`,
    );
}

/** `--port` as a number; a bad one is refused before any program runs. */
export function portOf(text: string, protocol: ExplainProtocol): number {
    const port = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isInteger(port) || port < PORT_MIN || port > PORT_MAX) {
        if (protocol === "tcp" || protocol === "udp" || protocol === "all") {
            throw new GateError(
                "arguments",
                `--port must be a port number from ${PORT_MIN} to ${PORT_MAX} (got "${text}")`,
            );
        }
        throw new GateError(
            "arguments",
            `--port must be a number (got "${text}"); ${protocol} has no ports, so any is the same`,
        );
    }
    return port;
}

function groupNameOf(model: StackModel, groupId: string, ownerId?: string): string {
    const group = model.groupByUrn.get(groupId);
    if (group) {
        return group.name;
    }
    return ownerId === undefined
        ? `${groupId} (outside this stack)`
        : `${groupId} of account ${ownerId} (outside this stack)`;
}

function peerLabel(model: StackModel, peer: PeerSpace): string {
    switch (peer.kind) {
        case "addresses":
            return formatAddressRange(peer);
        case "group":
            return `security group ${groupNameOf(model, peer.groupId, peer.ownerId)}`;
        case "prefixList":
            return `prefix list ${peer.prefixListId} (${peer.family === "ipv4" ? "IPv4" : "IPv6"} entries)`;
    }
}

function rulePeer(model: StackModel, rule: SecurityRule<string>): string {
    switch (rule.peer.kind) {
        case "cidr":
        case "ipv6Cidr":
            return rule.peer.cidr;
        case "group":
            return `security group ${groupNameOf(model, rule.peer.groupId, rule.peer.ownerId)}`;
        case "prefixList":
            return `prefix list ${rule.peer.prefixListId}`;
    }
}

function ownerName(rule: StackRule): string {
    switch (rule.group.kind) {
        case "stack":
            return rule.group.group.name;
        case "external":
            return `${rule.group.id} (outside this stack)`;
        case "unknown":
            return "a group not known yet";
    }
}

function ruleWords(rule: StackRule): string {
    const known = rule.rule as SecurityRule<string>;
    return `${rule.name} (priority ${known.priority}, ${known.policy}, security group ${ownerName(rule)})`;
}

function reasonOf(decision: Decision): string {
    switch (decision.kind) {
        case "inner-access":
            return `inner access: ${decision.group.name}'s innerAccessPolicy is Accept, so its members reach each other whatever the rules say`;
        case "no-match":
            return "no rule matches: denied";
        case "rule": {
            const rule = decision.rule.rule as SecurityRule<string>;
            const verb = rule.policy === "accept" ? "accepted" : "dropped";
            if (decision.tiedAccept) {
                return `${verb} by ${ruleWords(decision.rule)}: drop wins at equal priority over accept ${decision.tiedAccept.name}`;
            }
            return `${verb} by ${ruleWords(decision.rule)}, the first matching rule in evaluation order`;
        }
    }
}

function are(fields: readonly string[]): string {
    return `${fields.join(", ")} ${fields.length === 1 ? "is" : "are"}`;
}

function unsureText(model: StackModel, unsure: Unsure, allowed: boolean, peer: PeerSpace): string {
    const otherwise = allowed ? "drops it" : "lets it in";
    switch (unsure.kind) {
        case "unknown-rule":
            return `unless rule ${unsure.rule.name} (security group ${ownerName(unsure.rule)}), whose ${are(unsure.fields)} not known yet, matches and ${otherwise}`;
        case "outside-group":
            return `unless ${unsure.id}, a security group outside this stack that is pooled in too, has a rule that ${otherwise}: its rules are not seen`;
        case "unknown-groups":
            return unsure.count === 1
                ? `unless the security group it also joins that is not known yet has a rule that ${otherwise}`
                : `unless one of the ${unsure.count} security groups it also joins that are not known yet has a rule that ${otherwise}`;
        case "inner-access-unknown":
            return `unless ${unsure.group.name}'s innerAccessPolicy, not known yet, is Accept: its members then reach each other on everything`;
        case "peer-addresses": {
            const rules = unsure.rules
                .map(
                    (rule) =>
                        `${rule.name} (${rulePeer(model, rule.rule as SecurityRule<string>)}, priority ${rule.rule?.priority}, ${rule.rule?.policy})`,
                )
                .join(", ");
            const whose =
                peer.kind === "group"
                    ? `the members of ${peerLabel(model, peer)} have addresses`
                    : `${peerLabel(model, peer)} holds entries`;
            return `unless ${whose} that ${unsure.rules.length === 1 ? "rule" : "rules"} ${rules} ${unsure.rules.length === 1 ? "names" : "name"} by address block: which addresses they are is not seen here`;
        }
    }
}

function explainPeer(model: StackModel, explanation: PeerExplanation): ExplainedPeer {
    const decider = explanation.decision.kind === "rule" ? explanation.decision.rule : undefined;
    return {
        peer: peerLabel(model, explanation.peer),
        allowed: explanation.allowed,
        decidedBy: explanation.decision.kind,
        reason: reasonOf(explanation.decision),
        rules: explanation.matching.map((rule) => {
            const known = rule.rule as SecurityRule<string>;
            return {
                priority: known.priority,
                policy: known.policy,
                group: ownerName(rule),
                rule: rule.name,
                peer: rulePeer(model, known),
                description: known.description ?? null,
                decides: rule === decider,
            };
        }),
        unless: explanation.unless.map((unsure) =>
            unsureText(model, unsure, explanation.allowed, explanation.peer),
        ),
    };
}

interface Subject {
    readonly members: string[];
    readonly scope: ExplainScope;
}

/** The scopes to explain: each distinct pool of the node's members, or the group alone when nothing joins it. */
function subjectsOf(found: Found): Subject[] {
    const attachments = found.kind === "member" ? found.member.attachments : found.group.attachments;
    if (attachments.length === 0) {
        return found.kind === "group" ? [{ members: [], scope: groupScope(found.group) }] : [];
    }
    const byPool = new Map<string, Subject>();
    for (const attachment of attachments) {
        const scope = attachmentScope(attachment);
        const key = JSON.stringify([
            scope.groups.map((group) => group.urn),
            scope.outside,
            scope.unknownGroups,
        ]);
        const subject = byPool.get(key) ?? { members: [], scope };
        if (!subject.members.includes(attachment.member.name)) {
            subject.members.push(attachment.member.name);
        }
        byPool.set(key, subject);
    }
    return [...byPool.values()];
}

/** Explains the request against a loaded side. */
export function explainSide(side: LoadedSide, request: ExplainRequest): ExplainDocument {
    const model = sideModel(side);
    const resources = new Map(side.resources.map((resource) => [resource.urn, resource]));
    const found = findNode(model, resources, request.to);
    const port = portOf(request.port, request.protocol);
    const peer = request.from === undefined ? undefined : findPeer(model, resources, request.from);
    const protocols: readonly PacketProtocol[] =
        request.protocol === "all" ? PACKET_PROTOCOLS : [request.protocol];
    const scopes: ExplainedScope[] = [];
    for (const subject of subjectsOf(found)) {
        for (const protocol of protocols) {
            for (const explained of explainPacket(subject.scope, { protocol, port, peer })) {
                const peers = explained.peers.map((entry) => explainPeer(model, entry));
                scopes.push({
                    members: subject.members,
                    groups: subject.scope.groups.map((group) => group.name),
                    outsideGroups: [...subject.scope.outside],
                    unknownGroups: subject.scope.unknownGroups,
                    protocol,
                    nicType: explained.nicType,
                    // Without --from, the peers let in are the answer, with their chains; the others are summed up.
                    peers: peer ? peers : peers.filter((entry) => entry.allowed),
                    denied: peer
                        ? []
                        : peers
                              .filter((entry) => !entry.allowed)
                              .map(({ peer: where, decidedBy, reason, unless }) => ({
                                  peer: where,
                                  decidedBy,
                                  reason,
                                  unless,
                              })),
                    refused: explained.refused.map(
                        (rule) =>
                            `rule ${rule.name} (security group ${ownerName(rule)}): the API would refuse it, so it takes no part`,
                    ),
                });
            }
        }
    }
    const urn = found.kind === "group" ? found.group.urn : found.member.urn;
    const resource = resources.get(urn);
    return {
        target: {
            source: side.label,
            kind: side.origin,
            project: side.project,
            stack: side.stack,
            commit: side.commit ?? null,
        },
        node: {
            name: found.kind === "group" ? found.group.name : found.member.name,
            type:
                resource?.type ??
                (found.kind === "member" ? found.member.type : "alicloud:ecs/securityGroup:SecurityGroup"),
            urn,
        },
        packet: { protocol: request.protocol, port, from: request.from ?? null },
        scopes,
    };
}

function packetText(protocol: PacketProtocol, port: number): string {
    return protocol === "tcp" || protocol === "udp" ? `${protocol} ${port}` : protocol;
}

export function renderExplainText(document: ExplainDocument, limitations: readonly string[]): string {
    const lines: string[] = [];
    const { node, packet, target } = document;
    const from = packet.from === null ? "any peer" : packet.from;
    const what =
        packet.protocol === "all"
            ? `any protocol (port ${packet.port} for tcp and udp)`
            : packetText(packet.protocol, packet.port);
    lines.push(oneLine(`Can ${from} reach ${node.name} (${node.type}) on ${what}?`));
    lines.push(
        oneLine(
            `In ${target.source}${target.commit ? ` (commit ${target.commit.slice(0, 12)})` : ""}: ${target.project}, stack ${target.stack}.`,
        ),
    );
    limitations.forEach((note) => lines.push(oneLine(note)));
    lines.push(
        "Rules match in evaluation order: the smallest priority number first, a drop before an accept of the same priority; the first decides.",
    );
    if (document.scopes.length === 0) {
        lines.push("", oneLine(`${node.name} joins no security group: nothing lets anything in.`));
    }
    for (const scope of document.scopes) {
        lines.push("");
        const whom =
            scope.members.length > 0
                ? `${scope.members.join(", ")} (${scope.groups.length + scope.outsideGroups.length + scope.unknownGroups > 1 ? "security groups pooled" : "security group"}: ${[...scope.groups, ...scope.outsideGroups.map((id) => `${id} (outside this stack)`), ...(scope.unknownGroups > 0 ? [`${scope.unknownGroups} not known yet`] : [])].join(", ")})`
                : `security group ${scope.groups.join(", ")} (nothing joins it)`;
        lines.push(
            oneLine(`${whom}, ${packetText(scope.protocol, document.packet.port)}, ${scope.nicType} NIC:`),
        );
        if (scope.peers.length === 0 && document.packet.from === null) {
            lines.push("  no peer can reach it");
        }
        for (const peer of scope.peers) {
            lines.push(oneLine(`  from ${peer.peer}: ${peer.allowed ? "ALLOWED" : "DENIED"}`));
            peer.rules.forEach((rule, index) => {
                lines.push(
                    oneLine(
                        `    ${index + 1}. priority ${rule.priority} ${rule.policy} ${rule.rule} (security group ${rule.group}, from ${rule.peer})${rule.decides ? "  <- decides" : "  (not reached)"}`,
                    ),
                );
            });
            lines.push(oneLine(`    ${peer.reason}`));
            peer.unless.forEach((text) => lines.push(oneLine(`    ${text}`)));
        }
        for (const denied of scope.denied) {
            lines.push(oneLine(`  from ${denied.peer}: DENIED, ${denied.reason}`));
            denied.unless.forEach((text) => lines.push(oneLine(`    ${text}`)));
        }
        scope.refused.forEach((text) => lines.push(oneLine(`  ${text}`)));
    }
    return lines.join("\n") + "\n";
}

export function renderExplainJson(document: ExplainDocument): string {
    return JSON.stringify(document, null, 2) + "\n";
}
