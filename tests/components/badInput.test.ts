import * as assert from "assert";
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import {
    joinSecurityGroups,
    RedisGroupFromSource,
    RuleSpec,
    SecureGroup,
    SecureGroupArgs,
    ServiceGroupFromSource,
    ThreeTierGroups,
    ValidationError,
    WebTierGroup,
} from "../../components";
import { renderProblem } from "../../core";
import { GROUP, installMocks, resetRegistrations, resourceSet, RULE, settle } from "./harness";

const tags = { owner: "team" };

function secure(args: Partial<SecureGroupArgs>): () => unknown {
    return () => new SecureGroup("bad", { vpcId: "vpc-1", tags, ...args });
}

function ingress(spec: RuleSpec, args: Partial<SecureGroupArgs> = {}): () => unknown {
    return secure({ ingress: { rule: spec }, ...args });
}

/** A rule TypeScript refuses to compile (tests/components/compileErrors.ts), as plain JavaScript may pass it. */
function untyped(spec: Record<string, unknown>): RuleSpec {
    return spec as unknown as RuleSpec;
}

function manySources(count: number): string[] {
    return Array.from({ length: count }, (_, i) => `sg-${i + 1}`);
}

interface BadCase {
    readonly name: string;
    /** Builds what the bad component needs (registered before the check starts). */
    readonly setup?: () => unknown;
    readonly build: (prepared: unknown) => unknown;
    /** The argument the message must name, and the value as the message must quote it. */
    readonly field: string;
    readonly value: string;
    /** The whole message about `field`, when the case pins it down. */
    readonly message?: string | RegExp;
}

interface Network {
    readonly vpcId?: string;
    readonly classicNetwork?: boolean;
}

/** Every component that builds or fills a group, with everything but its network valid. */
const networkBuilders: [string, (network: Network) => unknown][] = [
    ["SecureGroup", (network) => new SecureGroup("bad", { ...network, tags })],
    ["WebTierGroup", (network) => new WebTierGroup("bad", { ...network, tags })],
    [
        "ServiceGroupFromSource",
        (network) =>
            new ServiceGroupFromSource("bad", { ...network, tags, service: "mysql", sources: ["sg-app"] }),
    ],
    [
        "RedisGroupFromSource",
        (network) => new RedisGroupFromSource("bad", { ...network, tags, sources: ["sg-web"] }),
    ],
    [
        "SecureGroup on an existing group",
        (network) =>
            new SecureGroup("bad", {
                ...network,
                existingSecurityGroupId: "sg-existing",
                ingress: { https: { preset: "https", source: "sg-web" } },
            }),
    ],
];

const MISSING_VPC =
    "vpcId must name the VPC of the group (got undefined); pass classicNetwork: true to build a classic-network group deliberately";

const networkCases: BadCase[] = networkBuilders.flatMap(([component, build]): BadCase[] => [
    {
        name: `a ${component} without vpcId`,
        build: () => build({}),
        field: "vpcId",
        value: "undefined",
        message: MISSING_VPC,
    },
    {
        name: `a ${component} without vpcId and with classicNetwork: false`,
        build: () => build({ classicNetwork: false }),
        field: "vpcId",
        value: "undefined",
        message: MISSING_VPC,
    },
    {
        name: `a ${component} with both vpcId and classicNetwork: true`,
        build: () => build({ vpcId: "vpc-1", classicNetwork: true }),
        field: "classicNetwork",
        value: "true",
        message:
            'classicNetwork must be omitted when vpcId names a VPC ("vpc-1"): a group is either in a VPC or in the classic network (got true)',
    },
]);

const cases: BadCase[] = [
    {
        name: "no sources",
        build: () =>
            new ServiceGroupFromSource("bad", { vpcId: "vpc-1", tags, service: "mysql", sources: [] }),
        field: "sources",
        value: "[]",
    },
    {
        name: "no sources on a Redis group",
        build: () => new RedisGroupFromSource("bad", { vpcId: "vpc-1", tags, sources: [] }),
        field: "sources",
        value: "[]",
    },
    {
        name: "malformed CIDR",
        build: ingress({ preset: "ssh", cidr: "10.0.0.300/24" }),
        field: "ingress.rule.cidr",
        value: '"10.0.0.300/24"',
    },
    {
        name: "IPv6 block in the IPv4 field",
        build: ingress({ preset: "ssh", cidr: "2001:db8::/64" }),
        field: "ingress.rule.cidr",
        value: '"2001:db8::/64"',
    },
    {
        name: "CIDR broader than /16 for intranet access",
        build: ingress({ preset: "ssh", cidr: "10.0.0.0/8" }),
        field: "ingress.rule.cidr",
        value: '"10.0.0.0/8"',
    },
    {
        name: "any-address on a port that is not public",
        build: ingress({ protocol: "tcp", ports: 8080, cidr: "0.0.0.0/0" }),
        field: "ingress.rule.cidr",
        value: '"0.0.0.0/0"',
        message:
            'ingress.rule.cidr opens tcp 8080 to every address, the Internet included ("0.0.0.0/0"); name a narrower block, or, for a service meant for the whole Internet, list "0.0.0.0/0" in allowBroadCidrs and declare the port in the policy pack\'s publicPorts: {"disallow-broad-intranet-cidr": {"publicPorts": [80, 443, 8080]}} (got "0.0.0.0/0")',
    },
    {
        name: "SSH from any address on a classic network's internet NIC, on its ports, without suggesting allowBroadCidrs, which would not make it acceptable",
        build: () =>
            new SecureGroup("bad", {
                classicNetwork: true,
                tags,
                ingress: { rule: { preset: "ssh", cidr: "0.0.0.0/0" } },
            }),
        field: "ingress.rule.ports",
        value: '"22/22"',
        message:
            'ingress.rule.ports opens port 22 of a service that must never face the open Internet to 0.0.0.0/0; admit it from a source group or a narrow block instead (got "22/22")',
    },
    {
        name: "WireGuard (udp 51820) from every address, saying how to declare a deliberate public service",
        build: ingress({ protocol: "udp", ports: 51820, cidr: "0.0.0.0/0" }),
        field: "ingress.rule.cidr",
        value: '"0.0.0.0/0"',
        message:
            'ingress.rule.cidr opens udp 51820 to every address, the Internet included ("0.0.0.0/0"); name a narrower block, or, for a service meant for the whole Internet, list "0.0.0.0/0" in allowBroadCidrs and declare the port in the policy pack\'s publicPorts: {"disallow-broad-intranet-cidr": {"publicPorts": [80, 443, 51820]}} (got "0.0.0.0/0")',
    },
    {
        name: "a proxy on tcp 8388 from every address on a classic network's internet NIC, judged as in a VPC",
        build: () =>
            new SecureGroup("bad", {
                classicNetwork: true,
                tags,
                ingress: { rule: { protocol: "tcp", ports: 8388, cidr: "0.0.0.0/0" } },
            }),
        field: "ingress.rule.cidr",
        value: '"0.0.0.0/0"',
        message:
            'ingress.rule.cidr opens tcp 8388 to the whole Internet ("0.0.0.0/0"); name a narrower block, or, for a service meant for the whole Internet, list "0.0.0.0/0" in allowBroadCidrs and declare the port in the policy pack\'s publicPorts: {"disallow-broad-intranet-cidr": {"publicPorts": [80, 443, 8388]}} (got "0.0.0.0/0")',
    },
    {
        name: "ping from every address on a classic network's internet NIC, refused as in a VPC",
        build: () =>
            new SecureGroup("bad", {
                classicNetwork: true,
                tags,
                ingress: { rule: { preset: "icmp", cidr: "0.0.0.0/0" } },
            }),
        field: "ingress.rule.cidr",
        value: '"0.0.0.0/0"',
        message:
            'ingress.rule.cidr opens icmp to the whole Internet ("0.0.0.0/0"); name a narrower block or a source group (publicPorts declares tcp and udp ports only, and icmp from every address is never a public service) (got "0.0.0.0/0")',
    },
    {
        name: "SSH from every address, never offered as a public service",
        build: ingress({ preset: "ssh", ipv6Cidr: "::/0" }),
        field: "ingress.rule.ipv6Cidr",
        value: '"::/0"',
        message:
            'ingress.rule.ipv6Cidr opens tcp 22 to every address, the Internet included ("::/0"); name a narrower block or a source group (port 22 must never face the open Internet) (got "::/0")',
    },
    {
        name: "IPv6 block broader than /48",
        build: ingress({ preset: "https", ipv6Cidr: "2001:db8::/32" }),
        field: "ingress.rule.ipv6Cidr",
        value: '"2001:db8::/32"',
    },
    {
        name: "broad public CIDR on a web tier",
        build: () => new WebTierGroup("bad", { vpcId: "vpc-1", tags, publicCidrs: ["10.0.0.0/8"] }),
        field: "publicCidrs[0]",
        value: '"10.0.0.0/8"',
    },
    {
        name: "malformed public CIDR on a web tier",
        build: () => new WebTierGroup("bad", { vpcId: "vpc-1", tags, publicCidrs: ["not-a-cidr"] }),
        field: "publicCidrs[0]",
        value: '"not-a-cidr"',
    },
    {
        name: "a risky port among a web tier's public ports",
        build: () => new WebTierGroup("bad", { vpcId: "vpc-1", tags, publicPorts: [443, 22] }),
        field: "publicPorts[1]",
        value: '"22/22"',
    },
    {
        name: "a risky port open to the Internet in a classic network",
        build: () =>
            new SecureGroup("bad", {
                classicNetwork: true,
                tags,
                ingress: { rule: { preset: "rdp", cidr: "0.0.0.0/0" } },
            }),
        field: "ingress.rule.ports",
        value: '"3389/3389"',
    },
    {
        name: "every protocol open to the Internet",
        build: () =>
            new SecureGroup("bad", {
                classicNetwork: true,
                tags,
                ingress: { rule: { protocol: "all", cidr: "0.0.0.0/0" } },
            }),
        field: "ingress.rule.ports",
        value: '"-1/-1"',
    },
    {
        name: "intranet CIDR accept in a classic network",
        build: () =>
            new SecureGroup("bad", {
                classicNetwork: true,
                tags,
                ingress: { rule: { preset: "ssh", cidr: "192.168.1.0/24", nicType: "intranet" } },
            }),
        field: "ingress.rule.cidr",
        value: '"192.168.1.0/24"',
    },
    {
        name: "port out of range",
        build: ingress({ protocol: "tcp", ports: 70000, source: "sg-web" }),
        field: "ingress.rule.ports",
        value: '"70000/70000"',
    },
    {
        name: "reversed port range",
        build: ingress({ protocol: "tcp", ports: "200/1", source: "sg-web" }),
        field: "ingress.rule.ports",
        value: '"200/1"',
    },
    {
        name: "malformed port range",
        build: ingress({ protocol: "udp", ports: "22-80", source: "sg-web" }),
        field: "ingress.rule.ports",
        value: '"22-80"',
    },
    {
        name: "port out of range in a service override",
        build: () => new RedisGroupFromSource("bad", { vpcId: "vpc-1", tags, sources: ["sg-web"], port: 0 }),
        field: "port",
        value: '"0/0"',
    },
    {
        name: "port out of range in admin access",
        build: () =>
            new WebTierGroup("bad", {
                vpcId: "vpc-1",
                tags,
                adminAccess: { from: ["sg-bastion"], ports: [65536] },
            }),
        field: "adminAccess.ports[0]",
        value: '"65536/65536"',
    },
    {
        name: "ports on icmp",
        build: ingress(untyped({ protocol: "icmp", ports: 8, source: "sg-web" })),
        field: "ingress.rule.ports",
        value: '"8/8"',
    },
    {
        name: "ports on gre",
        build: ingress(untyped({ protocol: "gre", ports: "1/65535", source: "sg-web" })),
        field: "ingress.rule.ports",
        value: '"1/65535"',
    },
    {
        name: "ports on all",
        build: ingress(untyped({ protocol: "all", ports: 22, source: "sg-web" })),
        field: "ingress.rule.ports",
        value: '"22/22"',
    },
    {
        name: "ports on a preset without ports",
        build: ingress({ preset: "icmp", ports: 8, source: "sg-web" }),
        field: "ingress.rule.ports",
        value: "8",
    },
    {
        name: "priority 0",
        build: ingress({ preset: "https", source: "sg-web", priority: 0 }),
        field: "ingress.rule.priority",
        value: "0",
    },
    {
        name: "priority 101",
        build: ingress({ preset: "https", source: "sg-web", policy: "drop", priority: 101 }),
        field: "ingress.rule.priority",
        value: "101",
    },
    {
        name: "an allow at the baseline's priority",
        build: ingress({ preset: "https", source: "sg-web", priority: 100 }),
        field: "ingress.rule.priority",
        value: "100",
    },
    {
        name: "an allow weaker than a moved baseline",
        build: ingress(
            { preset: "https", source: "sg-web", priority: 95 },
            { dropBaseline: { priority: 90 } },
        ),
        field: "ingress.rule.priority",
        value: "95",
    },
    {
        name: "a baseline priority outside 1-100",
        build: secure({ dropBaseline: { priority: 150 } }),
        field: "dropBaseline.priority",
        value: "150",
    },
    {
        name: "enterprise group with a source-group rule",
        build: ingress({ preset: "https", source: "sg-web" }, { securityGroupType: "enterprise" }),
        field: "ingress.rule.source",
        value: '"sg-web"',
    },
    {
        name: "an enterprise group as a source",
        setup: () =>
            new SecureGroup("ent", {
                vpcId: "vpc-1",
                tags,
                securityGroupType: "enterprise",
                ingress: { https: { preset: "https", cidr: "10.1.0.0/16" } },
            }),
        build: (ent) =>
            new ServiceGroupFromSource("bad", {
                vpcId: "vpc-1",
                tags,
                service: "mysql",
                sources: [ent as SecureGroup],
            }),
        field: "sources[0]",
        value: '"ent"',
    },
    {
        name: "more than 20 group references",
        build: () =>
            new ServiceGroupFromSource("bad", {
                vpcId: "vpc-1",
                tags,
                service: "mysql",
                isolateMembers: true,
                sources: manySources(21),
            }),
        field: "ingress",
        value: '"21 rules naming security groups"',
    },
    {
        name: "20 sources plus member access",
        build: () =>
            new ServiceGroupFromSource("bad", {
                vpcId: "vpc-1",
                tags,
                service: "mysql",
                sources: manySources(20),
            }),
        field: "ingress",
        value: '"21 rules naming security groups"',
    },
    {
        name: "more than 200 rules",
        build: secure({
            ingress: Object.fromEntries(
                Array.from({ length: 200 }, (_, i) => [
                    `r${i}`,
                    { protocol: "tcp" as const, ports: 1000 + i, cidr: "10.1.0.0/16" },
                ]),
            ),
        }),
        field: "ingress",
        value: '"201 rules"',
    },
    {
        name: "more than five groups on an instance",
        build: () => joinSecurityGroups(manySources(6)),
        field: "securityGroups",
        value: '"6 groups"',
    },
    {
        name: "missing tags",
        build: () =>
            new WebTierGroup("bad", { vpcId: "vpc-1" } as unknown as { tags: Record<string, string> }),
        field: "tags",
        value: "undefined",
    },
    {
        name: "empty tags",
        build: () => new WebTierGroup("bad", { vpcId: "vpc-1", tags: {} }),
        field: "tags",
        value: "{}",
    },
    {
        name: "an empty tag value",
        build: () =>
            new RedisGroupFromSource("bad", { vpcId: "vpc-1", tags: { owner: " " }, sources: ["sg-web"] }),
        field: "tags.owner",
        value: '" "',
    },
    {
        name: "a managed-by tag that says otherwise",
        build: secure({ tags: { "managed-by": "terraform" } }),
        field: "tags.managed-by",
        value: '"terraform"',
    },
    {
        name: "two rules with one key across ingress and egress",
        build: secure({
            ingress: { web: { preset: "https", source: "sg-web" } },
            egress: { web: { preset: "https", cidr: "10.1.0.0/16" } },
        }),
        field: "egress.web",
        value: '"web"',
    },
    {
        name: "two sources with one key",
        build: () =>
            new ServiceGroupFromSource("bad", {
                vpcId: "vpc-1",
                tags,
                service: "mysql",
                sources: ["sg-a", "sg-a"],
            }),
        field: "sources[1]",
        value: '"allow-mysql-from-sg-a"',
    },
    {
        name: "a rule key that is a baseline's name",
        build: secure({ ingress: { "drop-baseline": { preset: "https", source: "sg-web" } } }),
        field: "dropBaseline",
        value: '"drop-baseline"',
    },
    {
        name: "internet NIC on a VPC group",
        build: ingress({ preset: "https", cidr: "0.0.0.0/0", nicType: "internet" }),
        field: "ingress.rule.nicType",
        value: '"internet"',
    },
    {
        name: "a source group with the internet NIC",
        build: () =>
            new SecureGroup("bad", {
                classicNetwork: true,
                tags,
                ingress: { rule: { preset: "https", source: "sg-web", nicType: "internet" } },
            }),
        field: "ingress.rule.nicType",
        value: '"internet"',
    },
    {
        name: "no peer",
        build: ingress(untyped({ preset: "https" })),
        field: "ingress.rule",
        value: "[]",
    },
    {
        name: "two peers",
        build: ingress(untyped({ preset: "https", cidr: "10.1.0.0/16", source: "sg-web" })),
        field: "ingress.rule",
        value: '["cidr","source"]',
    },
    {
        name: "both preset and protocol",
        build: ingress(untyped({ preset: "https", protocol: "tcp", ports: 443, source: "sg-web" })),
        field: "ingress.rule",
        value: '"preset":"https"',
    },
    {
        name: "a misspelt preset from plain JavaScript",
        build: () =>
            new ServiceGroupFromSource("bad", {
                vpcId: "vpc-1",
                tags,
                service: "mysq1" as "mysql",
                sources: ["sg-app"],
            }),
        field: "service",
        value: '"mysq1"',
    },
    {
        name: "innerAccessPolicy on an enterprise group",
        build: secure({ securityGroupType: "enterprise", innerAccessPolicy: "Drop" }),
        field: "innerAccessPolicy",
        value: '"Drop"',
    },
    {
        name: "tags with an existing group",
        build: secure({ existingSecurityGroupId: "sg-existing" }),
        field: "tags",
        value: '{"owner":"team"}',
    },
    {
        name: "an Output source without a key",
        build: () =>
            new ServiceGroupFromSource("bad", {
                vpcId: "vpc-1",
                tags,
                service: "mysql",
                sources: [pulumi.output("sg-late")],
            }),
        field: "sources[0].key",
        value: "undefined",
    },
    {
        name: "a malformed owner account",
        build: () =>
            new RedisGroupFromSource("bad", {
                vpcId: "vpc-1",
                tags,
                sources: [{ group: "sg-web", ownerId: "acme" }],
            }),
        field: "sources[0].ownerId",
        value: '"acme"',
    },
    {
        name: "a public port given as text among numbers",
        build: () =>
            new WebTierGroup("bad", {
                vpcId: "vpc-1",
                tags,
                publicPorts: [443, "8443"] as unknown as number[],
            }),
        field: "publicPorts[1]",
        value: '"8443"',
        message: 'publicPorts[1] must be a port number such as 443 (got "8443")',
    },
    {
        name: "admin access from no group",
        build: () => new WebTierGroup("bad", { vpcId: "vpc-1", tags, adminAccess: { from: [] } }),
        field: "adminAccess.from",
        value: "[]",
    },
    ...networkCases,
    {
        name: "an empty vpcId",
        build: secure({ vpcId: "" }),
        field: "vpcId",
        value: '""',
    },
    {
        name: "a classicNetwork that is not a boolean, from plain JavaScript",
        build: () => new SecureGroup("bad", { tags, classicNetwork: "yes" as unknown as boolean }),
        field: "classicNetwork",
        value: '"yes"',
    },
];

describe("components: bad input fails at construction, before anything is registered", () => {
    before(installMocks);

    for (const badCase of cases) {
        it(`refuses ${badCase.name}, naming ${badCase.field} and its value`, async () => {
            const prepared = badCase.setup?.();
            await settle();
            resetRegistrations();
            let thrown: unknown;
            try {
                badCase.build(prepared);
            } catch (error) {
                thrown = error;
            }
            assert.ok(thrown instanceof ValidationError, `expected a ValidationError, got ${String(thrown)}`);
            const named = thrown.problems.filter((p) => p.path === badCase.field);
            assert.ok(
                named.length > 0,
                `no problem names ${badCase.field}: ${thrown.problems.map((p) => p.path).join(", ")}`,
            );
            assert.ok(
                named.some(
                    (p) =>
                        renderProblem(p).startsWith(`${badCase.field} `) &&
                        renderProblem(p).includes(badCase.value),
                ),
                `no message names ${badCase.field} with ${badCase.value}: ${thrown.message}`,
            );
            assert.ok(thrown.message.includes(badCase.field), thrown.message);
            const expected = badCase.message;
            if (expected !== undefined) {
                assert.ok(
                    named.some((p) =>
                        typeof expected === "string"
                            ? renderProblem(p) === expected
                            : expected.test(renderProblem(p)),
                    ),
                    `no message about ${badCase.field} reads ${String(expected)}: ${thrown.message}`,
                );
            }
            assert.deepStrictEqual(await settle(), [], "nothing is registered");
        });
    }

    it("reports every problem at once", () => {
        assert.throws(
            () =>
                new WebTierGroup("bad", {
                    vpcId: "vpc-1",
                    tags: {},
                    publicCidrs: ["10.0.0.0/8"],
                    adminAccess: { from: [] },
                }),
            (error: Error) => error instanceof ValidationError && error.problems.length === 3,
        );
    });

    it("allows a broad block the caller lists, 0.0.0.0/0 on a web tier's public ports, and classic ping from a monitoring block", async () => {
        resetRegistrations();
        new SecureGroup("deliberate", {
            vpcId: "vpc-1",
            tags,
            allowBroadCidrs: ["10.0.0.0/8"],
            ingress: { ssh: { preset: "ssh", cidr: "10.0.0.0/8" } },
        });
        new WebTierGroup("public", { vpcId: "vpc-1", tags });
        new SecureGroup("ping", {
            classicNetwork: true,
            tags,
            ingress: { icmp: { preset: "icmp", cidr: "203.0.113.0/24" } },
        });
        const names = (await settle()).map((r) => r.name);
        assert.ok(names.includes("ping-icmp"), "ping from a narrow public block on the internet NIC");
        assert.ok(names.includes("deliberate-ssh"));
        assert.ok(names.includes("public-allow-https-from-internet"));
    });
});

/**
 * Runs `build` as a program would and returns the rejections left unhandled meanwhile: what the SDK's program
 * host logs and fails the run on. Mocha's own listener is set aside, since these rejections are the subject.
 */
async function unhandledWhile(build: () => unknown): Promise<unknown[]> {
    const others = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    const seen: unknown[] = [];
    const record = (reason: unknown) => seen.push(reason);
    process.on("unhandledRejection", record);
    try {
        build();
        await settle();
        // Node reports an unhandled rejection only after the turn that left it unhandled.
        await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
        process.off("unhandledRejection", record);
        others.forEach((listener) => process.on("unhandledRejection", listener));
    }
    return seen;
}

/** The line of this file holding `text`. */
function lineHere(text: string): number {
    return (
        fs
            .readFileSync(__filename, "utf8")
            .split("\n")
            .findIndex((line) => line.includes(text)) + 1
    );
}

describe("components: arguments a TypeScript program passes as Outputs fail the program once they resolve", () => {
    before(installMocks);
    beforeEach(resetRegistrations);

    it("a WebTierGroup whose public blocks come from another stack: a bad block fails the run, naming the component", async () => {
        // As `new pulumi.StackReference("org/network/prod").getOutput("officeCidrs")` would deliver it.
        const officeCidrs = pulumi.output(["203.0.113.0/24", "203.0.113.300/32"]);
        let web: WebTierGroup | undefined;
        const raised = await unhandledWhile(() => {
            web = new WebTierGroup("office-web", { vpcId: "vpc-1", tags, publicCidrs: officeCidrs }); // office-web
        });
        assert.strictEqual(raised.length, 1, `one failure, got ${raised.map(String).join("; ")}`);
        const [failure] = raised;
        assert.ok(pulumi.ResourceError.isInstance(failure), `a ResourceError, got ${String(failure)}`);
        assert.strictEqual(
            failure.message,
            'WebTierGroup "office-web": publicCidrs[1] must be a CIDR block such as "192.168.1.0/24" ' +
                '(got "203.0.113.300/32")',
        );
        assert.strictEqual(failure.resource, web);
        assert.strictEqual(failure.hideStack, true);
        // The stack is the constructor's call, so a gate can name the program's line.
        assert.ok(
            (failure.stack ?? "").includes(`badInput.test.ts:${lineHere("// office-web")}:`),
            failure.stack,
        );
        assert.deepStrictEqual(
            resourceSet(await settle()),
            ["alicloud-secure-groups:index:WebTierGroup office-web"],
            "no group and no rule",
        );
    });

    it("a SecureGroup whose ports are a secret, from plain JavaScript: refused once, unprinted, and the run fails", async () => {
        const raised = await unhandledWhile(
            () =>
                new SecureGroup("vault", {
                    vpcId: "vpc-1",
                    tags,
                    ingress: {
                        api: {
                            protocol: "tcp",
                            // TypeScript refuses an Output here; plain JavaScript can pass one.
                            ports: pulumi.secret(["8200"]) as unknown as string[],
                            cidr: "10.0.0.0/8",
                        },
                    },
                }),
        );
        assert.strictEqual(raised.length, 1, `one failure, got ${raised.map(String).join("; ")}`);
        const message = (raised[0] as Error).message;
        assert.strictEqual(
            message,
            'SecureGroup "vault": ingress.api.ports must not be a secret: it decides which rules are created and ' +
                "what they are called; mark only values such as tag values, CIDR blocks or ids secret (got [secret])",
        );
        assert.deepStrictEqual(resourceSet(await settle()), [
            "alicloud-secure-groups:index:SecureGroup vault",
        ]);
    });

    it("ThreeTierGroups whose web ports resolve to SSH: one failure for the component, none for its tiers", async () => {
        const raised = await unhandledWhile(
            () =>
                new ThreeTierGroups("shop", {
                    vpcId: "vpc-1",
                    tags,
                    web: { publicPorts: pulumi.output([443, 22]) },
                }),
        );
        assert.deepStrictEqual(
            raised.map((failure) => (failure as Error).message),
            [
                'ThreeTierGroups "shop": web.publicPorts[1] opens port 22 of a service that must never face the ' +
                    "open Internet to 0.0.0.0/0; admit it from a source group or a narrow block instead " +
                    '(got "22/22")',
            ],
        );
        assert.deepStrictEqual(resourceSet(await settle()), [
            "alicloud-secure-groups:index:ThreeTierGroups shop",
        ]);
    });

    it("a WebTierGroup whose good blocks arrive as an Output builds them and raises nothing", async () => {
        const raised = await unhandledWhile(
            () =>
                new WebTierGroup("partner-web", {
                    vpcId: "vpc-1",
                    tags,
                    publicPorts: [443],
                    publicCidrs: pulumi.output(["198.51.100.0/24"]),
                }),
        );
        assert.deepStrictEqual(raised, []);
        assert.deepStrictEqual(resourceSet(await settle()), [
            "alicloud-secure-groups:index:WebTierGroup partner-web",
            `${GROUP} partner-web`,
            `${RULE} partner-web-allow-https-from-198-51-100-0-24`,
            `${RULE} partner-web-drop-baseline`,
        ]);
    });
});
