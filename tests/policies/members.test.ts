import * as assert from "node:assert/strict";
import { TestResource, UNKNOWN_WIRE, violationsOf } from "./harness";
import { baseline, compliantStack, group, instance, rule } from "./fixtures";

/**
 * Membership policies over the member catalog, and the messages of issue 13 §2, as whole sentences, through
 * `@pulumi/policy`'s own analyzer handlers. Resources are written as a preview sends them: ids unknown, joins
 * through property dependencies.
 */

const VPC = "alicloud:vpc/network:Network";
const VSWITCH = "alicloud:vpc/switch:Switch";

function vpc(name: string): TestResource {
    return { type: VPC, name, props: { vpcName: name, cidrBlock: "10.0.0.0/16" } };
}

function vswitch(name: string, vpcName: string): TestResource {
    return {
        type: VSWITCH,
        name,
        props: { vpcId: UNKNOWN_WIRE, cidrBlock: "10.0.1.0/24", zoneId: "cn-hangzhou-i" },
        propertyDependencies: { vpcId: [vpcName] },
    };
}

/** A group of the named VPC, its vpcId computed from the VPC resource. */
function vpcGroup(name: string, vpcName: string): TestResource {
    return { ...group(name), propertyDependencies: { vpcId: [vpcName] } };
}

const classicGroup = (name: string) => group(name, { vpcId: undefined });

describe("membership policies over the member catalog", () => {
    describe("disallow-cross-network-membership", () => {
        const name = "disallow-cross-network-membership";

        it("rejects a node pool in one VPC joined to a group of another, followed through property dependencies", async () => {
            const stack = [
                vpc("platform"),
                vpc("data"),
                vswitch("vsw-platform", "platform"),
                vswitch("vsw-data", "data"),
                vpcGroup("nodes", "platform"),
                {
                    type: "alicloud:cs/nodePool:NodePool",
                    name: "pool-data",
                    props: { clusterId: "c-1", vswitchIds: [UNKNOWN_WIRE], securityGroupIds: [UNKNOWN_WIRE] },
                    propertyDependencies: { vswitchIds: ["vsw-data"], securityGroupIds: ["nodes"] },
                },
                {
                    type: "alicloud:cs/nodePool:NodePool",
                    name: "pool-platform",
                    props: { clusterId: "c-1", vswitchIds: [UNKNOWN_WIRE], securityGroupIds: [UNKNOWN_WIRE] },
                    propertyDependencies: { vswitchIds: ["vsw-platform"], securityGroupIds: ["nodes"] },
                },
            ];
            assert.deepEqual(await violationsOf(name, stack), [
                {
                    name: "pool-data",
                    level: "mandatory",
                    message:
                        "ACK node pool pool-data is in VPC data (through vSwitch vsw-data) but joins security group nodes of VPC platform; a VPC resource joins only security groups of its own VPC, so Alibaba Cloud refuses the membership at deploy (InvalidInstanceId.Mismatch): use groups created in VPC data, or move the resource to the group's VPC.",
                },
            ]);
        });

        it("rejects a classic-network instance in a VPC group, and a VPC instance in a classic group", async () => {
            const stack = [
                ...compliantStack(),
                vpc("main"),
                vswitch("vsw", "main"),
                classicGroup("legacy"),
                baseline("legacy"),
                instance("vm-classic", ["web"], { vswitchId: undefined }),
                {
                    ...instance("vm-vpc", ["legacy"], { vswitchId: UNKNOWN_WIRE }),
                    propertyDependencies: { securityGroups: ["legacy"], vswitchId: ["vsw"] },
                },
            ];
            assert.deepEqual(
                (await violationsOf(name, stack)).map((v) => v.message),
                [
                    "vm-classic is in the classic network (no vswitchId, no launchTemplateId, no launchTemplateName) but joins security group web of a VPC not known yet; a classic-network resource joins only classic-network security groups, so Alibaba Cloud refuses the membership at deploy (InvalidInstanceId.Mismatch): give it a vSwitch of the group's VPC.",
                    "vm-vpc is in VPC main (through vSwitch vsw) but joins security group legacy of the classic network; a VPC resource joins only security groups of its own VPC, so Alibaba Cloud refuses the membership at deploy (InvalidInstanceId.Mismatch): use a group created with vpcId in VPC main.",
                ],
            );
        });

        it("follows a scaling configuration to its scaling group: no vSwitch there is the classic network", async () => {
            const scaling = (name: string, props: Record<string, unknown>): TestResource[] => [
                {
                    type: "alicloud:ess/scalingGroup:ScalingGroup",
                    name: `${name}-group`,
                    props: { minSize: 0, maxSize: 2, ...props },
                },
                {
                    type: "alicloud:ess/scalingConfiguration:ScalingConfiguration",
                    name,
                    props: { scalingGroupId: UNKNOWN_WIRE, securityGroupIds: [UNKNOWN_WIRE] },
                    propertyDependencies: { scalingGroupId: [`${name}-group`], securityGroupIds: ["web"] },
                },
            ];
            const stack = [
                vpc("main"),
                vpcGroup("web", "main"),
                ...scaling("classic-asg", {}),
                // A launch template may give the scaling group its network: not called classic.
                ...scaling("templated-asg", { launchTemplateId: "lt-1" }),
            ];
            assert.deepEqual(
                (await violationsOf(name, stack)).map((v) => v.message),
                [
                    "scaling configuration classic-asg is in the classic network (scalingGroupId classic-asg-group, no vswitchId, no vswitchIds, no launchTemplateId) but joins security group web of VPC main; a classic-network resource joins only classic-network security groups, so Alibaba Cloud refuses the membership at deploy (InvalidInstanceId.Mismatch): give it a vSwitch of the group's VPC.",
                ],
            );
        });

        it("says nothing while a network cannot be told: an unknown vSwitch, a template completed at launch", async () => {
            const stack = [
                vpc("main"),
                vpcGroup("web", "main"),
                instance("vm", ["web"], { vswitchId: UNKNOWN_WIRE }),
                {
                    type: "alicloud:ecs/ecsLaunchTemplate:EcsLaunchTemplate",
                    name: "lt",
                    props: { securityGroupIds: [UNKNOWN_WIRE] },
                    propertyDependencies: { securityGroupIds: ["web"] },
                },
                instance("vm-from-template", ["web"], { vswitchId: undefined, launchTemplateId: "lt-1" }),
            ];
            assert.deepEqual(await violationsOf(name, stack), []);
        });
    });

    describe("disallow-unused-security-group", () => {
        it("counts an ACK node pool and a Redis whitelist as use (both used to leave the group flagged)", async () => {
            const stack = [
                ...compliantStack(),
                group("k8s"),
                baseline("k8s"),
                group("redis-clients"),
                baseline("redis-clients"),
                {
                    type: "alicloud:cs/nodePool:NodePool",
                    name: "pool",
                    props: { clusterId: "c-1", vswitchIds: ["vsw-1"], securityGroupIds: [UNKNOWN_WIRE] },
                    propertyDependencies: { securityGroupIds: ["k8s"] },
                },
                {
                    type: "alicloud:kvstore/instance:Instance",
                    name: "cache",
                    props: { instanceClass: "redis.master.small.default", securityGroupId: UNKNOWN_WIRE },
                    propertyDependencies: { securityGroupId: ["redis-clients"] },
                },
                group("orphan"),
            ];
            assert.deepEqual(await violationsOf("disallow-unused-security-group", stack), [
                {
                    name: "orphan",
                    level: "advisory",
                    message:
                        "Security group orphan is joined by nothing in this stack, admitted by no database whitelist and named by no other group's rule; attach it to the resources it is for, or delete it.",
                },
            ]);
        });
    });

    describe("disallow-excess-security-groups", () => {
        const name = "disallow-excess-security-groups";
        const six = ["g1", "g2", "g3", "g4", "g5", "g6"];

        it("counts the deprecated ecs.LaunchTemplate's groups, and a Redis whitelist against Redis's own limit", async () => {
            const stack = [
                ...six.map((g) => group(g)),
                ...Array.from({ length: 5 }, (_, i) => group(`c${i}`)),
                {
                    type: "alicloud:ecs/launchTemplate:LaunchTemplate",
                    name: "legacy",
                    props: { securityGroupIds: six.map(() => UNKNOWN_WIRE) },
                    propertyDependencies: { securityGroupIds: six },
                },
                {
                    type: "alicloud:kvstore/instance:Instance",
                    name: "cache",
                    // Eleven ids, comma separated as Redis takes them: six of the stack, five of another one.
                    props: {
                        securityGroupId: `${[...six, "c0", "c1", "c2", "c3", "c4"].map(() => UNKNOWN_WIRE).join(",")}`,
                    },
                    propertyDependencies: { securityGroupId: [...six, "c0", "c1", "c2", "c3", "c4"] },
                },
            ];
            assert.deepEqual(
                (await violationsOf(name, stack)).map((v) => v.message),
                [
                    "launch template legacy joins 6 security groups through securityGroupIds (g1, g2, g3, g4, g5, g6), more than the 5 allowed per network interface; merge groups, or raise maxGroupsPerInstance after a quota increase.",
                    "Redis instance cache admits the members of 11 security groups through securityGroupId (g1, g2, g3, g4, g5, g6, c0, c1, c2, c3, c4), more than the 10 a Redis (Tair) instance allows; merge groups, or raise serviceGroupLimits.redis if Alibaba Cloud raised the limit.",
                ],
            );
            assert.deepEqual(
                (await violationsOf(name, stack, { [name]: { serviceGroupLimits: { redis: 12 } } })).map(
                    (v) => v.message.split(" ")[0],
                ),
                ["launch"],
                "serviceGroupLimits raises Redis's limit and keeps the others",
            );
        });
    });
});

describe("messages that say precisely what is wrong", () => {
    const broad = "disallow-broad-intranet-cidr";
    const risky = "disallow-public-risky-ports";
    const accept = (name: string, groupName: string, props: Record<string, unknown>) =>
        rule(name, groupName, { policy: "accept", priority: 1, ...props });

    describe("a deliberate public service on a port outside publicPorts", () => {
        const stack = [
            group("vpn"),
            baseline("vpn"),
            accept("vpn-wireguard", "vpn", {
                ipProtocol: "udp",
                portRange: "51820/51820",
                cidrIp: "0.0.0.0/0",
            }),
            accept("vpn-proxy", "vpn", { portRange: "8388/8388", cidrIp: "0.0.0.0/0" }),
            instance("vpn-1", ["vpn"]),
        ];

        it("is told how to declare it in the pack's publicPorts, with the exact config snippet", async () => {
            assert.deepEqual(
                (await violationsOf(broad, stack)).map((v) => v.message),
                [
                    'Rule vpn-wireguard allows udp 51820 from 0.0.0.0/0 at priority 1: it opens udp 51820 to every address, the Internet included ("0.0.0.0/0"). If udp 51820 is a service meant for the whole Internet, declare it in the pack\'s publicPorts, in the file given to --policy-pack-config: {"disallow-broad-intranet-cidr": {"publicPorts": [80, 443, 51820]}}; otherwise authorize a source security group or a block of /16 (IPv4) or /48 (IPv6) or longer.',
                    'Rule vpn-proxy allows tcp 8388 from 0.0.0.0/0 at priority 1: it opens tcp 8388 to every address, the Internet included ("0.0.0.0/0"). If tcp 8388 is a service meant for the whole Internet, declare it in the pack\'s publicPorts, in the file given to --policy-pack-config: {"disallow-broad-intranet-cidr": {"publicPorts": [80, 443, 8388]}}; otherwise authorize a source security group or a block of /16 (IPv4) or /48 (IPv6) or longer.',
                ],
            );
        });

        it("passes once declared as the message says", async () => {
            const config = { [broad]: { publicPorts: [80, 443, 51820, 8388] } };
            assert.deepEqual(await violationsOf(broad, stack, config), []);
        });

        it("is never offered for a risky port or a protocol without ports", async () => {
            const sshAndGre = [
                group("edge"),
                accept("edge-ssh", "edge", { portRange: "22/22", cidrIp: "0.0.0.0/0" }),
                accept("edge-gre", "edge", { ipProtocol: "gre", portRange: "-1/-1", cidrIp: "0.0.0.0/0" }),
            ];
            assert.deepEqual(
                (await violationsOf(broad, sshAndGre)).map((v) => v.message),
                [
                    'Rule edge-ssh allows tcp 22 from 0.0.0.0/0 at priority 1: it opens tcp 22 to every address, the Internet included ("0.0.0.0/0"). It cannot be declared a public service (port 22 must never face the open Internet): authorize a source security group or a block of /16 (IPv4) or /48 (IPv6) or longer instead.',
                    'Rule edge-gre allows gre from 0.0.0.0/0 at priority 1: it opens gre to every address, the Internet included ("0.0.0.0/0"). It cannot be declared a public service (publicPorts declares tcp and udp ports only, and gre from every address is never a public service): authorize a source security group or a block of /16 (IPv4) or /48 (IPv6) or longer instead.',
                ],
            );
        });
    });

    describe("the same exposure on every network type", () => {
        const exposures = (groupName: string, nicType: string) => [
            accept(`${groupName}-8080`, groupName, { portRange: "8080/8080", cidrIp: "0.0.0.0/0", nicType }),
            accept(`${groupName}-gre`, groupName, {
                ipProtocol: "gre",
                portRange: "-1/-1",
                cidrIp: "0.0.0.0/0",
                nicType,
            }),
        ];

        it("judges tcp 8080 and gre from 0.0.0.0/0 on a classic internet rule as on a VPC group", async () => {
            const stack = [
                group("vpc-web"),
                ...exposures("vpc-web", "intranet"),
                classicGroup("classic-web"),
                ...exposures("classic-web", "internet"),
            ];
            const found = await violationsOf(broad, stack);
            assert.deepEqual(
                found.map((v) => [v.name, v.level]),
                [
                    ["vpc-web-8080", "mandatory"],
                    ["vpc-web-gre", "mandatory"],
                    ["classic-web-8080", "mandatory"],
                    ["classic-web-gre", "mandatory"],
                ],
            );
            assert.equal(
                found[2].message,
                'Rule classic-web-8080 allows tcp 8080 from 0.0.0.0/0 at priority 1: it opens tcp 8080 to the whole Internet ("0.0.0.0/0"). If tcp 8080 is a service meant for the whole Internet, declare it in the pack\'s publicPorts, in the file given to --policy-pack-config: {"disallow-broad-intranet-cidr": {"publicPorts": [80, 443, 8080]}}; otherwise authorize a source security group or a block of /16 (IPv4) or /48 (IPv6) or longer.',
            );
        });
    });

    describe("the shared classic intranet", () => {
        const stack = [
            classicGroup("legacy"),
            accept("legacy-intranet-ssh", "legacy", {
                portRange: "22/22",
                cidrIp: "0.0.0.0/0",
                nicType: "intranet",
            }),
            classicGroup("legacy-public"),
            accept("legacy-internet-ssh", "legacy-public", {
                portRange: "22/22",
                cidrIp: "0.0.0.0/0",
                nicType: "internet",
            }),
        ];

        it("is named as the classic intranet every tenant shares, and the internet NIC as the Internet", async () => {
            assert.deepEqual(
                (await violationsOf(broad, stack)).map((v) => v.message),
                [
                    'Rule legacy-intranet-ssh allows tcp 22 from 0.0.0.0/0 at priority 1: it opens tcp 22 to every instance of every tenant on the shared classic-network intranet ("0.0.0.0/0"). Authorize a source security group instead, or move the group into a VPC.',
                    'Rule legacy-internet-ssh allows tcp 22 from 0.0.0.0/0 at priority 1: it opens tcp 22 to the whole Internet ("0.0.0.0/0"). It cannot be declared a public service (port 22 must never face the open Internet): authorize a source security group or a block of /16 (IPv4) or /48 (IPv6) or longer instead.',
                ],
            );
            assert.deepEqual(
                (await violationsOf(risky, stack)).map((v) => v.message),
                [
                    "Rule legacy-intranet-ssh allows tcp 22 from 0.0.0.0/0 at priority 1, so every tenant on the shared classic-network intranet reaches risky port 22 on security group legacy; authorize a bastion security group instead (an address on the classic intranet proves nothing).",
                    "Rule legacy-internet-ssh allows tcp 22 from 0.0.0.0/0 at priority 1, so the open Internet reaches risky port 22 on security group legacy-public; authorize a bastion security group or a narrow office CIDR instead.",
                ],
            );
        });
    });
});
