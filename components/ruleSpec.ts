import * as pulumi from "@pulumi/pulumi";
import {
    DEFAULT_ALLOW_PRIORITY,
    Direction,
    effectiveNicType,
    GroupContext,
    isProtocol,
    NicType,
    NO_PORTS,
    Peer,
    PresetName,
    problem,
    Problem,
    Protocol,
    PROTOCOLS,
    RulePolicy,
} from "../core";
import {
    entryLabel,
    expandEntries,
    peerLabel,
    PlannedGroupId,
    PlannedRule,
    PortSpec,
    portRanges,
    presetEntries,
    ServiceEntry,
    sourceProblems,
} from "./plan";
import { KEY_SYNTAX, resolveSource, SecurityGroupSource, SecurityGroupType } from "./sources";

/**
 * One keyed rule of a {@link SecureGroup}: what (a preset, or a protocol and ports) and exactly one peer.
 * Protocol, ports, policy and priority are plain values because they are validated, and name the rule,
 * before anything is created.
 */
export interface RuleSpec {
    /** A service from the presets catalog (`"https"`, `"redis"`…). Exactly one of `preset` and `protocol`. */
    readonly preset?: PresetName;
    /** `tcp`, `udp`, `icmp`, `icmpv6`, `gre` or `all`. Exactly one of `preset` and `protocol`. */
    readonly protocol?: Protocol;
    /**
     * A port, a `"start/end"` range, or a list of them (one rule each). With `preset`, replaces the preset's
     * tcp/udp ports. Defaults to the preset's ports; required for tcp/udp; must be omitted for other protocols.
     */
    readonly ports?: PortSpec | readonly PortSpec[];
    /** An IPv4 block. Exactly one of `cidr`, `ipv6Cidr`, `source` and `prefixListId`. */
    readonly cidr?: pulumi.Input<string>;
    /** An IPv6 block. */
    readonly ipv6Cidr?: pulumi.Input<string>;
    /** A security group (a component, a resource or an id, with an optional owner account id and key). */
    readonly source?: SecurityGroupSource;
    /** A prefix list id. */
    readonly prefixListId?: pulumi.Input<string>;
    /** Defaults to `"accept"`. */
    readonly policy?: RulePolicy;
    /**
     * 1 (highest) to 100. Defaults to 1. An accept must be a smaller number than the drop baseline's
     * priority, or the baseline would drop the traffic first.
     */
    readonly priority?: number;
    /**
     * Defaults to `"intranet"` in a VPC and for source groups; in a classic network a CIDR rule defaults to
     * `"internet"`, as the API does.
     */
    readonly nicType?: NicType;
    /** Defaults to a sentence naming what is allowed and from where ("Allow HTTPS from the Internet"). */
    readonly description?: string;
}

const PEER_FIELDS = ["cidr", "ipv6Cidr", "source", "prefixListId"] as const;

/** Expands one keyed spec into the rules it stands for, collecting problems instead of throwing. */
export function planRuleSpec(
    key: string,
    spec: RuleSpec,
    direction: Direction,
    group: GroupContext & { readonly type: SecurityGroupType },
    problems: Problem[],
): PlannedRule[] {
    const field = `${direction}.${key}`;
    if (typeof spec !== "object" || spec === null) {
        problems.push(
            problem(
                field,
                spec,
                "must be a rule: { preset | protocol, ports?, cidr | ipv6Cidr | source | prefixListId }",
            ),
        );
        return [];
    }
    if (!KEY_SYNTAX.test(key)) {
        problems.push(
            problem(field, key, "must be keyed by letters, digits, '.', '_' or '-' (the key names the rule)"),
        );
    }
    let entries: ServiceEntry[] = [];
    if ((spec.preset === undefined) === (spec.protocol === undefined)) {
        problems.push(problem(field, spec, "must set exactly one of preset and protocol"));
    } else if (spec.preset !== undefined) {
        const expanded = presetEntries(spec.preset, spec.ports, `${field}.preset`, `${field}.ports`);
        problems.push(...expanded.problems);
        entries = expanded.entries;
    } else if (!isProtocol(spec.protocol)) {
        problems.push(problem(`${field}.protocol`, spec.protocol, `must be one of ${PROTOCOLS.join(", ")}`));
    } else if (spec.ports === undefined) {
        if (spec.protocol === "tcp" || spec.protocol === "udp") {
            problems.push(
                problem(
                    `${field}.ports`,
                    spec.ports,
                    `must be set for protocol ${spec.protocol}, e.g. 443 or "8000/8100"`,
                ),
            );
        } else {
            entries = [{ protocol: spec.protocol, ranges: [NO_PORTS] }];
        }
    } else {
        const parsed = portRanges(spec.protocol, spec.ports, `${field}.ports`);
        problems.push(...parsed.problems);
        entries = [{ protocol: spec.protocol, ranges: parsed.ranges }];
    }

    const given = PEER_FIELDS.filter((name) => spec[name] !== undefined);
    if (given.length !== 1) {
        problems.push(
            problem(field, given, "must name exactly one peer: cidr, ipv6Cidr, source or prefixListId"),
        );
        return [];
    }
    let peer: Peer<PlannedGroupId>;
    let deferredCidr: pulumi.Output<string> | undefined;
    let sourceKey: string | undefined;
    if (spec.cidr !== undefined || spec.ipv6Cidr !== undefined) {
        const kind = spec.cidr !== undefined ? "cidr" : "ipv6Cidr";
        const value = (spec.cidr ?? spec.ipv6Cidr) as pulumi.Input<string>;
        if (typeof value === "string") {
            peer = { kind, cidr: value };
        } else {
            deferredCidr = pulumi.output(value);
            peer = { kind, cidr: "" };
        }
    } else if (spec.source !== undefined) {
        const resolved = resolveSource(spec.source, `${field}.source`);
        if (Array.isArray(resolved)) {
            problems.push(...resolved);
            return [];
        }
        problems.push(...sourceProblems(resolved, `${field}.source`, group.type));
        sourceKey = resolved.key;
        peer = {
            kind: "group",
            groupId: resolved.groupId,
            ...(resolved.ownerId ? { ownerId: resolved.ownerId } : {}),
        };
    } else {
        peer = { kind: "prefixList", prefixListId: spec.prefixListId as pulumi.Input<string> };
    }
    const policy = spec.policy ?? "accept";
    // A nicType the caller wrote is kept as written, so that a wrong one is reported rather than corrected.
    const nicType = spec.nicType ?? effectiveNicType(undefined, group.vpc, peer.kind === "group");
    const priority = spec.priority ?? DEFAULT_ALLOW_PRIORITY;
    return expandEntries(
        entries,
        (slug) => `${key}${slug}`,
        (protocol, ports) => ({
            field,
            deferredCidr,
            rule: {
                direction,
                protocol,
                ports,
                peer,
                policy,
                priority,
                nicType,
                description:
                    spec.description ??
                    `${policy === "accept" ? "Allow" : "Drop"} ${entryLabel(spec.preset, protocol, ports)} ${
                        direction === "ingress" ? "from" : "to"
                    } ${peerLabel(peer, sourceKey)}`,
            },
        }),
    );
}
