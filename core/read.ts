import { NO_PORTS, parsePortRange, parseProtocol, PortRange, Protocol } from "./ports";
import { Direction, NicType, Peer, RulePolicy, SecurityRule, effectiveNicType } from "./rule";
import { PROVIDER_DEFAULT_POLICY, PROVIDER_DEFAULT_PRIORITY } from "./limits";
import { SECRET_SIG, SIG_KEY, UNKNOWN_SENTINELS } from "./wire";

/**
 * Reading `@pulumi/alicloud` resource properties into the core model.
 *
 * Properties reach a policy behind `@pulumi/policy`'s `unknownCheckingProxy`, which throws on any unknown
 * (preview) value, and secrets may still be wrapped. Everything here reads one key at a time, maps unknowns to
 * {@link UNKNOWN} and unwraps secrets, so that one unknown id means "can't tell yet" for that value only and
 * never aborts the judgement of a whole stack. Nothing here throws on odd input.
 */

/**
 * The type of {@link UNKNOWN}; nominal, so that no other object passes for it.
 * @internal
 */
export class UnknownValue {
    private readonly unknownBrand = "unknown";

    toString(): string {
        return "[unknown]";
    }

    toJSON(): string {
        return "[unknown]";
    }
}

/**
 * The marker core uses for a value that is not known yet (preview). Reports print it as `[unknown]`.
 * @internal
 */
export const UNKNOWN: UnknownValue = Object.freeze(new UnknownValue()) as UnknownValue;
/** @internal */
export type Unknown = UnknownValue;

/**
 * A value that may be unknown in preview.
 * @internal
 */
export type Maybe<T> = T | Unknown;

/**
 * True when a value is present and known.
 * @internal
 */
export function isKnown<T>(value: Maybe<T> | undefined): value is T {
    return value !== undefined && !(value instanceof UnknownValue);
}

/**
 * True for {@link UNKNOWN}, any `@pulumi/policy` unknown sentinel, or the SDK's unknown sentinel string.
 * @internal
 */
export function isUnknown(value: unknown): value is Unknown {
    return value instanceof UnknownValue || (typeof value === "string" && UNKNOWN_SENTINELS.includes(value));
}

/**
 * True for a secret as `@pulumi/policy` wraps it (an instance of its `Secret` class, which has a `value`) or
 * as the wire format spells it. Recognised by shape so that core does not depend on `@pulumi/policy`.
 */
function isWrappedSecret(value: unknown): value is { value: unknown } {
    if (typeof value !== "object" || value === null) {
        return false;
    }
    try {
        const record = value as Record<string, unknown>;
        if (record[SIG_KEY] === SECRET_SIG) {
            return true;
        }
        const prototype = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
        return (
            prototype?.constructor?.name === "Secret" && Object.prototype.hasOwnProperty.call(value, "value")
        );
    } catch {
        return false;
    }
}

/**
 * Reads one property without ever throwing: unknown (or a throwing proxy) becomes {@link UNKNOWN}.
 * @internal
 */
export function readKey(source: unknown, key: string | number): unknown {
    if (typeof source !== "object" || source === null || isUnknown(source)) {
        return isUnknown(source) ? UNKNOWN : undefined;
    }
    let value: unknown;
    try {
        value = (source as Record<string | number, unknown>)[key];
    } catch {
        // @pulumi/policy's proxy throws UnknownValueError on an unknown value; any other throwing getter is
        // treated the same way: we cannot tell what the value is.
        return UNKNOWN;
    }
    return unwrap(value);
}

function unwrap(value: unknown): unknown {
    let current = value;
    for (let depth = 0; depth < 8 && isWrappedSecret(current); depth++) {
        try {
            current = (current as { value: unknown }).value;
        } catch {
            return UNKNOWN;
        }
    }
    return isUnknown(current) ? UNKNOWN : current;
}

const MAX_DEPTH = 24;

/**
 * A deep plain copy of a (possibly proxied) property value: unknowns become {@link UNKNOWN}, secrets are
 * unwrapped, functions dropped, cycles and excessive depth cut off (as undefined).
 * @internal
 */
export function toPlain(value: unknown, depth = 0): unknown {
    const current = unwrap(value);
    if (current === UNKNOWN || current === null || typeof current !== "object") {
        return typeof current === "function" ? undefined : current;
    }
    if (depth >= MAX_DEPTH) {
        return undefined;
    }
    let isArray = false;
    try {
        isArray = Array.isArray(current);
    } catch {
        return UNKNOWN;
    }
    if (isArray) {
        let length = 0;
        try {
            length = Number((current as unknown[]).length) || 0;
        } catch {
            return UNKNOWN;
        }
        const copy: unknown[] = [];
        for (let i = 0; i < length; i++) {
            copy.push(toPlain(readKey(current, i), depth + 1));
        }
        return copy;
    }
    let keys: string[];
    try {
        keys = Object.keys(current);
    } catch {
        return UNKNOWN;
    }
    const copy: Record<string, unknown> = {};
    for (const key of keys) {
        const item = toPlain(readKey(current, key), depth + 1);
        if (item !== undefined) {
            copy[key] = item;
        }
    }
    return copy;
}

/**
 * A string, {@link UNKNOWN}, or undefined for anything else (absent, wrong type, empty after trim).
 * @internal
 */
export function readString(source: unknown, key: string): Maybe<string> | undefined {
    const value = readKey(source, key);
    if (value === UNKNOWN) {
        return UNKNOWN;
    }
    return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** Fields of `alicloud.ecs.SecurityGroupRule` that name the rule's peer. */
const RULE_PEER_FIELDS = ["cidrIp", "ipv6CidrIp", "sourceSecurityGroupId", "prefixListId"] as const;
type RulePeerField = (typeof RULE_PEER_FIELDS)[number];

/**
 * A `SecurityGroupRule` as written, field by field: `undefined` means absent, {@link UNKNOWN} not known yet.
 * Values of the wrong type are kept in `raw` so that messages can show what the user wrote.
 * @internal
 */
export interface RuleReading {
    readonly raw: Readonly<Record<string, unknown>>;
    readonly securityGroupId: Maybe<string> | undefined;
    readonly direction: Maybe<Direction> | undefined;
    readonly protocol: Maybe<Protocol> | undefined;
    /** Parsed `portRange`; `-1/-1` (the provider default) when absent, undefined when malformed. */
    readonly ports: Maybe<PortRange> | undefined;
    /** As written; absent means the provider default (accept). */
    readonly policy: Maybe<RulePolicy> | undefined;
    /** As written; absent means the provider default (1). Not validated here. */
    readonly priority: Maybe<number> | undefined;
    /** As written; absent means the API's default, which depends on the group (see `effectiveNicType`). */
    readonly nicType: Maybe<NicType> | undefined;
    /** Every peer field that is present (known or unknown): exactly one is valid. */
    readonly peerFields: readonly RulePeerField[];
    /** The peer, when exactly one peer field is present; its id or CIDR may be {@link UNKNOWN}. */
    readonly peer: PeerReading | undefined;
    /** `sourceGroupOwnerId`, falling back to the deprecated `sourceGroupOwnerAccount`. */
    readonly sourceGroupOwner: Maybe<string> | undefined;
    readonly description: Maybe<string> | undefined;
}

/**
 * What `audit` writes in the description of the one rule of unknown content it stands in for the rules of a group
 * it could not read (so that they can only make a judgement uncertain, never close what known rules open),
 * followed by why they were not read.
 * @internal
 */
export const UNREAD_RULES_DESCRIPTION = "alicloud-sg: rules not read: ";

/**
 * Why the rules a rule stands in for were not read, when it is such a rule: every field but its place unknown.
 * @internal
 */
export function unreadRulesReason(reading: RuleReading): string | undefined {
    const { description, protocol, ports, policy, priority } = reading;
    if (!isKnown(description) || !description.startsWith(UNREAD_RULES_DESCRIPTION)) {
        return undefined;
    }
    const unknown = [protocol, ports, policy, priority, reading.peer?.value].every(
        (value) => value === UNKNOWN,
    );
    return unknown ? description.slice(UNREAD_RULES_DESCRIPTION.length) : undefined;
}

/**
 * Every input of a rule the reading reads.
 * @internal
 */
export const RULE_FIELDS = [
    "type",
    "ipProtocol",
    "portRange",
    "policy",
    "priority",
    "nicType",
    "securityGroupId",
    "description",
    "sourceGroupOwnerId",
    "sourceGroupOwnerAccount",
    ...RULE_PEER_FIELDS,
];

function known<T>(value: unknown, parse: (value: unknown) => T | undefined): Maybe<T> | undefined {
    if (value === UNKNOWN) {
        return UNKNOWN;
    }
    return value === undefined || value === null ? undefined : parse(value);
}

function lowerEnum<T extends string>(allowed: readonly T[]) {
    return (value: unknown): T | undefined => {
        if (typeof value !== "string") {
            return undefined;
        }
        const lower = value.trim().toLowerCase();
        return (allowed as readonly string[]).includes(lower) ? (lower as T) : undefined;
    };
}

const parseDirection = lowerEnum<Direction>(["ingress", "egress"]);
const parsePolicy = lowerEnum<RulePolicy>(["accept", "drop"]);
const parseNicType = lowerEnum<NicType>(["intranet", "internet"]);

/**
 * A priority as a number, also when written as a string (the API returns `"1"`); undefined otherwise.
 * @internal
 */
export function parsePriority(value: unknown): number | undefined {
    if (typeof value === "number") {
        return value;
    }
    return typeof value === "string" && /^\s*-?\d+\s*$/.test(value) ? Number(value) : undefined;
}

/** The one peer field of a rule and its value as written. */
interface PeerReading {
    readonly field: RulePeerField;
    readonly value: Maybe<string>;
}

/**
 * Reads a `SecurityGroupRule`'s properties (proxied or plain). Never throws.
 * @internal
 */
export function readRule(props: unknown): RuleReading {
    const raw: Record<string, unknown> = {};
    for (const field of RULE_FIELDS) {
        const value = toPlain(readKey(props, field));
        if (value !== undefined && value !== null) {
            raw[field] = value;
        }
    }
    const peerFields = RULE_PEER_FIELDS.filter((field) => raw[field] !== undefined && raw[field] !== "");
    const text = (value: unknown): Maybe<string> | undefined =>
        known(value, (v) => (typeof v === "string" && v.trim() !== "" ? v.trim() : undefined));
    const owner = text(raw.sourceGroupOwnerId) ?? text(raw.sourceGroupOwnerAccount);
    let peer: PeerReading | undefined;
    if (peerFields.length === 1) {
        const value = text(raw[peerFields[0]]);
        if (value !== undefined) {
            peer = { field: peerFields[0], value };
        }
    }
    return {
        raw,
        securityGroupId: text(raw.securityGroupId),
        direction: known(raw.type, parseDirection),
        protocol: known(raw.ipProtocol, parseProtocol),
        // The provider defaults `portRange` to "-1/-1", which tcp and udp rules then fail with.
        ports: raw.portRange === undefined ? NO_PORTS : known(raw.portRange, parsePortRange),
        policy: known(raw.policy, parsePolicy),
        priority: known(raw.priority, parsePriority),
        nicType: known(raw.nicType, parseNicType),
        peerFields,
        peer,
        sourceGroupOwner: owner,
        description: text(raw.description),
    };
}

/**
 * The rule the API would apply, with the provider's and API's defaults filled in (priority 1, accept, and the
 * NIC type `effectiveNicType` gives), or undefined when a field that decides matching is unknown, missing or
 * malformed. `vpc` says whether the rule's group is a VPC group. Peer ids are kept as written; callers that
 * join a stack replace group ids with their own keys.
 * @internal
 */
export function ruleFromReading(reading: RuleReading, vpc: boolean): SecurityRule<string> | undefined {
    const { direction, protocol, ports } = reading;
    if (!isKnown(direction) || !isKnown(protocol) || !isKnown(ports) || !reading.peer) {
        return undefined;
    }
    const peer = knownPeerOf(reading.peer, reading.sourceGroupOwner);
    if (!peer || reading.policy instanceof UnknownValue || reading.nicType instanceof UnknownValue) {
        return undefined;
    }
    // A field written with a value the API would reject decides nothing we can evaluate.
    if (
        (reading.raw.policy !== undefined && reading.policy === undefined) ||
        (reading.raw.nicType !== undefined && reading.nicType === undefined)
    ) {
        return undefined;
    }
    const priority = reading.raw.priority === undefined ? PROVIDER_DEFAULT_PRIORITY : reading.priority;
    if (!isKnown(priority)) {
        return undefined;
    }
    const rule: SecurityRule<string> = {
        direction,
        protocol,
        ports,
        peer,
        policy: reading.policy ?? PROVIDER_DEFAULT_POLICY,
        priority,
        nicType: effectiveNicType(reading.nicType, vpc, peer.kind === "group"),
    };
    return isKnown(reading.description) ? { ...rule, description: reading.description } : rule;
}

/** The peer with its id known, or undefined. A cross-account owner that is still unknown is left out. */
function knownPeerOf(peer: PeerReading, owner?: Maybe<string>): Peer<string> | undefined {
    if (!isKnown(peer.value)) {
        return undefined;
    }
    switch (peer.field) {
        case "cidrIp":
            return { kind: "cidr", cidr: peer.value };
        case "ipv6CidrIp":
            return { kind: "ipv6Cidr", cidr: peer.value };
        case "sourceSecurityGroupId":
            return isKnown(owner)
                ? { kind: "group", groupId: peer.value, ownerId: owner }
                : { kind: "group", groupId: peer.value };
        case "prefixListId":
            return { kind: "prefixList", prefixListId: peer.value };
    }
}

/**
 * A `SecurityGroup` as written.
 * @internal
 */
export interface GroupReading {
    readonly raw: Readonly<Record<string, unknown>>;
    /** True with a `vpcId` (known or not), false without: a classic-network group. */
    readonly vpc: boolean;
    readonly enterprise: Maybe<boolean>;
    /** Tags as written (values may be unknown); undefined when absent, UNKNOWN when the map is unknown. */
    readonly tags: Maybe<Readonly<Record<string, Maybe<string>>>> | undefined;
    readonly description: Maybe<string> | undefined;
    /** `securityGroupName`, falling back to the deprecated `name`. */
    readonly name: Maybe<string> | undefined;
    /**
     * Whether members reach each other whatever the rules say. Normal groups default to Accept (so does the
     * deprecated `innerAccess: true`); enterprise groups are always isolated.
     */
    readonly innerAccept: Maybe<boolean>;
}

const GROUP_FIELDS = [
    "vpcId",
    "securityGroupType",
    "tags",
    "description",
    "securityGroupName",
    "name",
    "innerAccessPolicy",
    "innerAccess",
];

/**
 * Reads a `SecurityGroup`'s properties (proxied or plain). Never throws.
 * @internal
 */
export function readGroup(props: unknown): GroupReading {
    const raw: Record<string, unknown> = {};
    for (const field of GROUP_FIELDS) {
        const value = toPlain(readKey(props, field));
        if (value !== undefined && value !== null) {
            raw[field] = value;
        }
    }
    const vpc = raw.vpcId === UNKNOWN || (typeof raw.vpcId === "string" && raw.vpcId.trim() !== "");
    const type = raw.securityGroupType;
    const enterprise: Maybe<boolean> =
        type === UNKNOWN ? UNKNOWN : typeof type === "string" && type.trim().toLowerCase() === "enterprise";
    let tags: GroupReading["tags"];
    if (raw.tags === UNKNOWN) {
        tags = UNKNOWN;
    } else if (typeof raw.tags === "object" && raw.tags !== null && !Array.isArray(raw.tags)) {
        const map: Record<string, Maybe<string>> = {};
        for (const [key, value] of Object.entries(raw.tags as Record<string, unknown>)) {
            map[key] = value === UNKNOWN ? UNKNOWN : typeof value === "string" ? value : String(value);
        }
        tags = map;
    }
    const text = (value: unknown): Maybe<string> | undefined =>
        value === UNKNOWN ? UNKNOWN : typeof value === "string" && value.trim() !== "" ? value : undefined;
    let innerAccept: Maybe<boolean>;
    if (enterprise === true) {
        innerAccept = false;
    } else if (raw.innerAccessPolicy === UNKNOWN || enterprise === UNKNOWN) {
        innerAccept = UNKNOWN;
    } else if (typeof raw.innerAccessPolicy === "string") {
        innerAccept = raw.innerAccessPolicy.trim().toLowerCase() !== "drop";
    } else if (raw.innerAccess === UNKNOWN) {
        innerAccept = UNKNOWN;
    } else {
        innerAccept = raw.innerAccess !== false;
    }
    return {
        raw,
        vpc,
        enterprise,
        tags,
        description: text(raw.description),
        name: text(raw.securityGroupName) ?? text(raw.name),
        innerAccept,
    };
}

/** @internal */
export const SECURITY_GROUP_TYPE = "alicloud:ecs/securityGroup:SecurityGroup";
/** @internal */
export const SECURITY_GROUP_RULE_TYPE = "alicloud:ecs/securityGroupRule:SecurityGroupRule";
