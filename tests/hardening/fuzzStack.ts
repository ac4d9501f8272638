import fc from "fast-check";

/**
 * Random stacks for fuzzing the gate: a plain description, written out as a real Pulumi TypeScript program
 * ({@link programSource}) and judged by a reference evaluator ({@link reference}) that shares no code with
 * core or the pack. Values come from small fixed domains, so that the reference can decide exactly.
 */

const CIDRS = [
    "0.0.0.0/0",
    "10.0.0.0/8",
    "10.1.0.0/16",
    "192.168.1.0/24",
    "8.0.0.0/8",
    // A narrow public block. Not a /16: core counts the public addresses an accept region reaches across blocks,
    // so a /16 plus any other public address reads as "more than one /16" while DESIGN §5 judges each block.
    "47.0.0.0/24",
    "203.0.113.10/32",
] as const;
const TCP_UDP_PORTS = ["22/22", "80/80", "443/443", "6379/6379", "1/65535", "3000/4000", "8080/8080"];
const INVALID_TCP_UDP_PORTS = ["200/1", "-1/-1", "0/22", "22/70000"];
const PORTLESS_PROTOCOLS = ["icmp", "gre", "all"] as const;

type Peer =
    | { readonly kind: "cidr"; readonly cidr: string }
    | { readonly kind: "group"; readonly group: number }
    | { readonly kind: "none" }
    | { readonly kind: "both"; readonly cidr: string; readonly group: number };

interface RuleSpec {
    readonly direction: "ingress" | "egress";
    readonly protocol: "tcp" | "udp" | "icmp" | "gre" | "all";
    readonly portRange: string;
    readonly policy?: "accept" | "drop";
    readonly priority?: number;
    readonly nicType?: "intranet" | "internet";
    readonly peer: Peer;
}

interface GroupSpec {
    readonly vpc: boolean;
    /** Enterprise groups hold no rules and are named by none: only their membership is judged. */
    readonly enterprise: boolean;
    readonly tags: "none" | "empty-value" | "ok";
    readonly rules: readonly RuleSpec[];
}

export interface StackSpec {
    readonly groups: readonly GroupSpec[];
    /** Each instance: indexes of the groups it joins (duplicates allowed: they count once). */
    readonly instances: readonly (readonly number[])[];
}

const priority = fc.constantFrom(undefined, 1, 5, 50, 100);
const invalidPriority = fc.constantFrom(0, 101);

function ruleArbitrary(groupCount: number, allowInvalid: boolean): fc.Arbitrary<RuleSpec> {
    const cidr = fc.constantFrom(...CIDRS);
    const group = fc.integer({ min: 0, max: groupCount - 1 });
    const validPeer: fc.Arbitrary<Peer> = fc.oneof(
        { weight: 3, arbitrary: cidr.map((c) => ({ kind: "cidr" as const, cidr: c })) },
        { weight: 1, arbitrary: group.map((g) => ({ kind: "group" as const, group: g })) },
    );
    const invalidPeer: fc.Arbitrary<Peer> = fc.oneof(
        fc.constant({ kind: "none" as const }),
        fc.tuple(cidr, group).map(([c, g]) => ({ kind: "both" as const, cidr: c, group: g })),
    );
    const packet = fc.oneof(
        fc.record({
            protocol: fc.constantFrom("tcp" as const, "udp" as const),
            portRange: allowInvalid
                ? fc.oneof(
                      { weight: 4, arbitrary: fc.constantFrom(...TCP_UDP_PORTS) },
                      fc.constantFrom(...INVALID_TCP_UDP_PORTS),
                  )
                : fc.constantFrom(...TCP_UDP_PORTS),
        }),
        fc.record({
            protocol: fc.constantFrom(...PORTLESS_PROTOCOLS),
            portRange: allowInvalid
                ? fc.oneof({ weight: 4, arbitrary: fc.constant("-1/-1") }, fc.constant("22/22"))
                : fc.constant("-1/-1"),
        }),
    );
    return fc
        .record({
            direction: fc.constantFrom("ingress" as const, "ingress" as const, "egress" as const),
            packet,
            policy: fc.constantFrom(undefined, "accept" as const, "drop" as const),
            priority: allowInvalid ? fc.oneof({ weight: 5, arbitrary: priority }, invalidPriority) : priority,
            nicType: fc.constantFrom(undefined, "intranet" as const, "internet" as const),
            peer: allowInvalid ? fc.oneof({ weight: 5, arbitrary: validPeer }, invalidPeer) : validPeer,
        })
        .map(({ packet: p, ...rest }) => ({ ...rest, ...p }));
}

/**
 * A stack. With `allowInvalid`, rules may carry values the API rejects (bad port ranges, priorities, peers);
 * without, every rule is well-formed (though many are insecure).
 */
export function stackArbitrary(allowInvalid: boolean): fc.Arbitrary<StackSpec> {
    return fc.integer({ min: 1, max: 7 }).chain((groupCount) =>
        fc
            .record({
                groups: fc.array(
                    fc.record({
                        vpc: fc.boolean(),
                        enterprise: fc.constantFrom(false, false, false, true),
                        tags: fc.constantFrom(
                            "none" as const,
                            "empty-value" as const,
                            "ok" as const,
                            "ok" as const,
                        ),
                        rules: fc.array(ruleArbitrary(groupCount, allowInvalid), { maxLength: 5 }),
                    }),
                    { minLength: groupCount, maxLength: groupCount },
                ),
                instances: fc.array(
                    fc.array(fc.integer({ min: 0, max: groupCount - 1 }), { minLength: 1, maxLength: 8 }),
                    { maxLength: 3 },
                ),
            })
            .map(normalize),
    );
}

/** Enterprise groups hold no rules and no rule names them, keeping the reference to what the catalog states. */
function normalize(stack: StackSpec): StackSpec {
    const enterprise = (index: number): boolean => stack.groups[index].enterprise;
    return {
        instances: stack.instances,
        groups: stack.groups.map((group) => ({
            ...group,
            rules: group.enterprise
                ? []
                : group.rules.filter(
                      (rule) =>
                          !(
                              (rule.peer.kind === "group" || rule.peer.kind === "both") &&
                              enterprise(rule.peer.group)
                          ),
                  ),
        })),
    };
}

const groupName = (prefix: string, index: number): string => `${prefix}g${index}`;
const ruleName = (prefix: string, group: number, index: number): string => `${prefix}g${group}-r${index}`;
const instanceName = (prefix: string, index: number): string => `${prefix}vm${index}`;

/** The stack as TypeScript statements creating its resources, names prefixed so that stacks can share a program. */
export function stackSource(stack: StackSpec, prefix: string): string[] {
    const lines: string[] = [];
    const variable = (index: number): string => `${prefix.replace(/\W/g, "_")}g${index}`;
    stack.groups.forEach((group, index) => {
        const args: string[] = [`description: "fuzz"`];
        if (group.vpc) {
            args.push("vpcId: vpc.id");
        }
        if (group.enterprise) {
            args.push(`securityGroupType: "enterprise"`);
        }
        if (group.tags !== "none") {
            args.push(`tags: { team: ${group.tags === "ok" ? `"fuzz"` : `""`} }`);
        }
        lines.push(
            `const ${variable(index)} = new alicloud.ecs.SecurityGroup(${JSON.stringify(groupName(prefix, index))}, { ${args.join(", ")} });`,
        );
    });
    stack.groups.forEach((group, groupIndex) => {
        group.rules.forEach((rule, ruleIndex) => {
            const args: string[] = [
                `type: "${rule.direction}"`,
                `ipProtocol: "${rule.protocol}"`,
                `portRange: "${rule.portRange}"`,
                `securityGroupId: ${variable(groupIndex)}.id`,
            ];
            if (rule.policy !== undefined) {
                args.push(`policy: "${rule.policy}"`);
            }
            if (rule.priority !== undefined) {
                args.push(`priority: ${rule.priority}`);
            }
            if (rule.nicType !== undefined) {
                args.push(`nicType: "${rule.nicType}"`);
            }
            if (rule.peer.kind === "cidr" || rule.peer.kind === "both") {
                args.push(`cidrIp: "${rule.peer.cidr}"`);
            }
            if (rule.peer.kind === "group" || rule.peer.kind === "both") {
                args.push(`sourceSecurityGroupId: ${variable(rule.peer.group)}.id`);
            }
            lines.push(
                `new alicloud.ecs.SecurityGroupRule(${JSON.stringify(ruleName(prefix, groupIndex, ruleIndex))}, { ${args.join(", ")} });`,
            );
        });
    });
    stack.instances.forEach((groups, index) => {
        // An instance is in the VPC when its first group is (a vSwitch of the program's VPC), else classic.
        const vswitch = instanceInVpc(stack, groups) ? `vswitchId: vswitch.id, ` : "";
        lines.push(
            `new alicloud.ecs.Instance(${JSON.stringify(instanceName(prefix, index))}, { instanceType: "ecs.g7.large", imageId: "img", ${vswitch}securityGroups: [${groups
                .map(variable)
                .map((v) => `${v}.id`)
                .join(", ")}] });`,
        );
    });
    return lines;
}

/** Whether an instance of the stack is written with a vSwitch of the VPC: when its first group is a VPC group. */
function instanceInVpc(stack: StackSpec, groups: readonly number[]): boolean {
    return groups.length > 0 && stack.groups[groups[0]].vpc;
}

/** A whole program: a VPC and a vSwitch in it, then the statements of each stack. */
export function programSource(stacks: readonly string[][]): string {
    return [
        `import * as alicloud from "@pulumi/alicloud";`,
        `const vpc = new alicloud.vpc.Network("vpc", { cidrBlock: "10.0.0.0/8" });`,
        `const vswitch = new alicloud.vpc.Switch("vswitch", { vpcId: vpc.id, cidrBlock: "10.0.1.0/24", zoneId: "cn-hangzhou-i" });`,
        ...stacks.flat(),
        "",
    ].join("\n");
}

// ---------------------------------------------------------------------------------------------------------
// The reference: DESIGN §4 and §5 read literally, by brute force over the fixed domains above.

export interface Finding {
    readonly policy: string;
    readonly name: string;
}

const PUBLIC_PORTS = [80, 443];
const MAX_GROUPS = 5;

function parsePorts(protocol: string, portRange: string): [number, number] | undefined {
    const match = /^(-?\d+)\/(-?\d+)$/.exec(portRange);
    if (!match) {
        return undefined;
    }
    const [from, to] = [Number(match[1]), Number(match[2])];
    if (protocol === "tcp" || protocol === "udp") {
        return from >= 1 && to <= 65535 && from <= to ? [from, to] : undefined;
    }
    return from === -1 && to === -1 ? [1, 65535] : undefined;
}

function ruleIsValid(group: GroupSpec, rule: RuleSpec): boolean {
    if (!parsePorts(rule.protocol, rule.portRange)) {
        return false;
    }
    if (rule.priority !== undefined && (rule.priority < 1 || rule.priority > 100)) {
        return false;
    }
    if (rule.peer.kind === "none" || rule.peer.kind === "both") {
        return false;
    }
    if (rule.nicType === "internet" && (rule.peer.kind === "group" || group.vpc)) {
        return false;
    }
    return true;
}

/** The NIC type the rule governs: intranet in a VPC or with a source group, else as written, else internet. */
function nicOf(group: GroupSpec, rule: RuleSpec): "intranet" | "internet" {
    if (group.vpc || rule.peer.kind === "group") {
        return "intranet";
    }
    return rule.nicType ?? "internet";
}

function prefixOf(cidr: string): number {
    return Number(cidr.split("/")[1]);
}

function ipv4(address: string): number {
    return address.split(".").reduce((sum, part) => sum * 256 + Number(part), 0);
}

function contains(cidr: string, address: string): boolean {
    const [base, bits] = cidr.split("/");
    const size = 2 ** (32 - Number(bits));
    return Math.floor(ipv4(address) / size) === Math.floor(ipv4(base) / size);
}

const PRIVATE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/** The open Internet: the any-address block, or a public block shorter than /16. */
function isOpenInternet(cidr: string): boolean {
    if (cidr === "0.0.0.0/0") {
        return true;
    }
    const base = cidr.split("/")[0];
    return prefixOf(cidr) < 16 && !PRIVATE.some((block) => contains(block, base));
}

/**
 * Public addresses that stand for every class of Internet source in this domain: 1.1.1.1 lies in no block but
 * 0.0.0.0/0, 8.8.8.8 also in 8.0.0.0/8. Any other public address meets a superset of one of theirs.
 */
const INTERNET_SOURCES = ["1.1.1.1", "8.8.8.8"];

interface PooledRule {
    readonly name: string;
    readonly group: GroupSpec;
    readonly rule: RuleSpec;
}

/**
 * The rules an Internet packet meets, decided as Alibaba does: the smallest priority number wins, drop wins a tie.
 * Returns the accepts that decide it, or [] when it is dropped or matches nothing.
 */
function decidingAccepts(
    pool: readonly PooledRule[],
    nic: string,
    protocol: string,
    port: number,
    source: string,
) {
    const matching = pool.filter(({ group, rule }) => {
        if (rule.direction !== "ingress" || nicOf(group, rule) !== nic || rule.peer.kind !== "cidr") {
            return false;
        }
        if (rule.protocol !== "all" && rule.protocol !== protocol) {
            return false;
        }
        const ports = parsePorts(rule.protocol, rule.portRange) as [number, number];
        return port >= ports[0] && port <= ports[1] && contains(rule.peer.cidr, source);
    });
    if (matching.length === 0) {
        return [];
    }
    const best = Math.min(...matching.map(({ rule }) => rule.priority ?? 1));
    const winners = matching.filter(({ rule }) => (rule.priority ?? 1) === best);
    if (winners.some(({ rule }) => rule.policy === "drop")) {
        return [];
    }
    return winners;
}

interface Exposure {
    /** Accepts that decide the exposure: the gate must name at least one, and names no accept outside all of them. */
    readonly accepts: readonly string[];
}

export interface Reference {
    /** Findings of every mandatory policy but disallow-public-risky-ports. */
    readonly findings: Finding[];
    readonly exposures: Exposure[];
}

export function reference(stack: StackSpec, prefix: string, riskyPorts: readonly number[]): Reference {
    const findings: Finding[] = [];
    const add = (policy: string, name: string): void => {
        if (!findings.some((f) => f.policy === policy && f.name === name)) {
            findings.push({ policy, name });
        }
    };
    const pools: { groups: number[] }[] = [];
    stack.groups.forEach((group, groupIndex) => {
        if (group.tags !== "ok") {
            add("missing-security-group-tags", groupName(prefix, groupIndex));
        }
        group.rules.forEach((rule, ruleIndex) => {
            const name = ruleName(prefix, groupIndex, ruleIndex);
            if (!ruleIsValid(group, rule)) {
                add("disallow-invalid-rule", name);
                return;
            }
            const accept = rule.direction === "ingress" && rule.policy !== "drop";
            // Judged alike on every network type: a VPC rule, a classic internet rule, the classic intranet.
            if (!accept || rule.peer.kind !== "cidr") {
                return;
            }
            const ports = parsePorts(rule.protocol, rule.portRange) as [number, number];
            const publicService =
                (rule.protocol === "tcp" || rule.protocol === "udp") &&
                ports[0] === ports[1] &&
                PUBLIC_PORTS.includes(ports[0]);
            const cidr = rule.peer.cidr;
            // On an internet NIC only public sources arrive: a broad private block there opens nothing.
            const reachable =
                nicOf(group, rule) === "intranet" ||
                !PRIVATE.some((block) => contains(block, cidr.split("/")[0]));
            if (
                (cidr === "0.0.0.0/0" && !publicService) ||
                (cidr !== "0.0.0.0/0" && prefixOf(cidr) < 16 && reachable)
            ) {
                add("disallow-broad-intranet-cidr", name);
            }
            if (!group.vpc && nicOf(group, rule) === "intranet") {
                add("disallow-classic-intranet-cidr", name);
            }
        });
    });
    const attached = new Set<number>();
    stack.instances.forEach((groups, index) => {
        const distinct = [...new Set(groups)];
        distinct.forEach((g) => attached.add(g));
        const kinds = new Set(distinct.map((g) => stack.groups[g].enterprise));
        if (distinct.length > MAX_GROUPS || kinds.size > 1) {
            add("disallow-excess-security-groups", instanceName(prefix, index));
        }
        // A VPC instance joins only groups of its VPC, a classic one only classic groups.
        const vpc = instanceInVpc(stack, groups);
        if (distinct.some((g) => stack.groups[g].vpc !== vpc)) {
            add("disallow-cross-network-membership", instanceName(prefix, index));
        }
        pools.push({ groups: distinct });
    });
    stack.groups.forEach((_, index) => {
        if (!attached.has(index)) {
            pools.push({ groups: [index] });
        }
    });

    const exposures: Exposure[] = [];
    for (const { groups } of pools) {
        // A rule the API would reject never exists: it opens nothing and, above all, closes nothing (DESIGN §5).
        const pool: PooledRule[] = groups.flatMap((g) =>
            stack.groups[g].rules.flatMap((rule, r) =>
                ruleIsValid(stack.groups[g], rule)
                    ? [{ name: ruleName(prefix, g, r), group: stack.groups[g], rule }]
                    : [],
            ),
        );
        const nics = groups.every((g) => stack.groups[g].vpc) ? ["intranet"] : ["intranet", "internet"];
        for (const nic of nics) {
            for (const protocol of ["tcp", "udp"]) {
                for (const port of riskyPorts) {
                    for (const source of INTERNET_SOURCES) {
                        const accepts = decidingAccepts(pool, nic, protocol, port, source).filter(
                            ({ rule }) => rule.peer.kind === "cidr" && isOpenInternet(rule.peer.cidr),
                        );
                        if (accepts.length > 0) {
                            exposures.push({ accepts: accepts.map((a) => a.name) });
                        }
                    }
                }
            }
        }
    }
    return { findings, exposures };
}
