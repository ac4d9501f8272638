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
    rulePaths,
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
import { Portable } from "./portable";
import { KEY_SYNTAX, resolveSource, SecurityGroupSource, SecurityGroupType } from "./sources";

/** How a rule acts, whatever it admits and from where. */
interface RuleSettings {
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

/** A port, a `"start/end"` range, or a list of them (one rule each). */
type Ports = PortSpec | readonly PortSpec[];

/** What a rule admits: a preset, or a protocol with the ports it needs. Exactly one of `preset` and `protocol`. */
type RuleService =
    | {
          /** A service from the presets catalog (`"https"`, `"redis"`…). */
          readonly preset: PresetName;
          readonly protocol?: never;
          /** Replaces the preset's tcp/udp ports. Defaults to the preset's ports. */
          readonly ports?: Ports;
      }
    | {
          /** `tcp` or `udp`, which need `ports`. */
          readonly protocol: "tcp" | "udp";
          readonly preset?: never;
          readonly ports: Ports;
      }
    | {
          /** `icmp`, `icmpv6`, `gre` or `all`, which have no ports. */
          readonly protocol: "icmp" | "icmpv6" | "gre" | "all";
          readonly preset?: never;
          readonly ports?: never;
      };

/** The one peer of a rule: exactly one of `cidr`, `ipv6Cidr`, `source` and `prefixListId`. */
type RulePeer =
    | {
          /** An IPv4 block. */
          readonly cidr: pulumi.Input<string>;
          readonly ipv6Cidr?: never;
          readonly source?: never;
          readonly prefixListId?: never;
      }
    | {
          /** An IPv6 block. */
          readonly ipv6Cidr: pulumi.Input<string>;
          readonly cidr?: never;
          readonly source?: never;
          readonly prefixListId?: never;
      }
    | {
          /** A security group (a component, a resource or an id, with an optional owner account id and key). */
          readonly source: SecurityGroupSource;
          readonly cidr?: never;
          readonly ipv6Cidr?: never;
          readonly prefixListId?: never;
      }
    | {
          /** A prefix list id. */
          readonly prefixListId: pulumi.Input<string>;
          readonly cidr?: never;
          readonly ipv6Cidr?: never;
          readonly source?: never;
      };

/**
 * One keyed rule of a {@link SecureGroup} as other languages write it: what (a preset, or a protocol and
 * ports) and exactly one peer. The same choices are checked when the component is built.
 */
export interface RuleArgs {
    /** A service from the presets catalog (`"https"`, `"redis"`…). Exactly one of `preset` and `protocol`. */
    readonly preset?: PresetName;
    /** `tcp`, `udp`, `icmp`, `icmpv6`, `gre` or `all`. Exactly one of `preset` and `protocol`. */
    readonly protocol?: Protocol;
    /**
     * Ports, each `"443"` or a `"start/end"` range (one rule each). With `preset`, replaces the preset's tcp/udp
     * ports. Defaults to the preset's ports; required for tcp/udp; must be omitted for other protocols.
     */
    readonly ports?: string[];
    /** An IPv4 block. Exactly one of `cidr`, `ipv6Cidr`, `source` and `prefixListId`. */
    readonly cidr?: pulumi.Input<string>;
    /** An IPv6 block. */
    readonly ipv6Cidr?: pulumi.Input<string>;
    /** A security group: its id, or a component of this package. */
    readonly source?: pulumi.Input<string>;
    /** A prefix list id. */
    readonly prefixListId?: pulumi.Input<string>;
    /** Defaults to `"accept"`. */
    readonly policy?: RulePolicy;
    /** 1 (highest) to 100. Defaults to 1, and an accept must be stronger than the drop baseline. */
    readonly priority?: number;
    /** Defaults to `"intranet"` in a VPC and for source groups, `"internet"` for a classic-network CIDR rule. */
    readonly nicType?: NicType;
    /** Defaults to a sentence naming what is allowed and from where. */
    readonly description?: string;
}

/**
 * One keyed rule of a {@link SecureGroup}: what (a preset, or a protocol and ports) and exactly one peer.
 * TypeScript refuses a rule with both or neither of `preset` and `protocol`, ports on a protocol without ports,
 * or not exactly one peer. Protocol, ports, policy and priority are plain values: they are validated, and name
 * the rule, before anything is created.
 */
export type RuleSpec = Portable<RuleSettings & RuleService & RulePeer, RuleArgs>;

const PEER_FIELDS = ["cidr", "ipv6Cidr", "source", "prefixListId"] as const;

/**
 * Expands one keyed spec into the rules it stands for, collecting problems instead of throwing.
 * @internal
 */
export function planRuleSpec(
    key: string,
    written: RuleSpec,
    direction: Direction,
    group: GroupContext & { readonly type: SecurityGroupType },
    problems: Problem[],
): PlannedRule[] {
    const path = `${direction}.${key}`;
    const paths = rulePaths(path);
    if (typeof written !== "object" || written === null || pulumi.Output.isInstance(written)) {
        problems.push(
            problem(
                path,
                written,
                "must be a rule: { preset | protocol, ports?, cidr | ipv6Cidr | source | prefixListId }",
            ),
        );
        return [];
    }
    const spec = written as RuleArgs & { readonly ports?: Ports; readonly source?: SecurityGroupSource };
    if (!KEY_SYNTAX.test(key)) {
        problems.push(
            problem(path, key, "must be keyed by letters, digits, '.', '_' or '-' (the key names the rule)"),
        );
    }
    let entries: ServiceEntry[] = [];
    if ((spec.preset === undefined) === (spec.protocol === undefined)) {
        problems.push(problem(path, spec, "must set exactly one of preset and protocol"));
    } else if (spec.preset !== undefined) {
        const expanded = presetEntries(spec.preset, spec.ports, `${path}.preset`, paths.ports);
        problems.push(...expanded.problems);
        entries = expanded.entries;
    } else if (!isProtocol(spec.protocol)) {
        problems.push(problem(paths.protocol, spec.protocol, `must be one of ${PROTOCOLS.join(", ")}`));
    } else if (spec.ports === undefined) {
        if (spec.protocol === "tcp" || spec.protocol === "udp") {
            problems.push(
                problem(
                    paths.ports,
                    spec.ports,
                    `must be set for protocol ${spec.protocol}, e.g. 443 or "8000/8100"`,
                ),
            );
        } else {
            entries = [{ protocol: spec.protocol, ranges: [NO_PORTS] }];
        }
    } else {
        const parsed = portRanges(spec.protocol, spec.ports, paths.ports);
        problems.push(...parsed.problems);
        entries = [{ protocol: spec.protocol, ranges: parsed.ranges }];
    }

    const given = PEER_FIELDS.filter((name) => spec[name] !== undefined);
    if (given.length !== 1) {
        problems.push(
            problem(path, given, "must name exactly one peer: cidr, ipv6Cidr, source or prefixListId"),
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
        const resolved = resolveSource(spec.source, paths.source);
        if (Array.isArray(resolved)) {
            problems.push(...resolved);
            return [];
        }
        problems.push(...sourceProblems(resolved, paths.source, group.type));
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
            path,
            paths,
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
