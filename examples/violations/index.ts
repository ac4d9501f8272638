// One deliberate mistake for each mandatory policy of the pack, and nothing else mandatory: the gate exits 1
// and names each resource below. Plain @pulumi/alicloud resources, because the library's components refuse
// every one of these mistakes before anything is created. RDP from the whole Internet (4.) is the one mistake
// two policies judge: the report shows it as one problem with both judgements.
import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const instanceType = config.get("instanceType") ?? "ecs.g7.large";
const imageId = config.get("imageId") ?? "aliyun_3_x64_20G_alibase_20240819.vhd";
const tags = { owner: "team-violations" };

const vpc = new alicloud.vpc.Network("vpc", { vpcName: "violations", cidrBlock: "10.0.0.0/16", tags });
const vswitch = new alicloud.vpc.Switch("vswitch", {
    vpcId: vpc.id,
    cidrBlock: "10.0.1.0/24",
    zoneId: config.get("zoneId") ?? "cn-hangzhou-i",
    vswitchName: "violations",
    tags,
});

/** A well-formed group with its drop baseline, so that each violation below stands alone. */
function group(name: string, args: { vpc?: boolean; tags?: Record<string, string> } = {}) {
    const vpcId = args.vpc === false ? undefined : vpc.id;
    const created = new alicloud.ecs.SecurityGroup(name, {
        securityGroupName: name,
        description: `Security group ${name} of the violations example`,
        ...(vpcId ? { vpcId } : {}),
        innerAccessPolicy: "Drop",
        ...(args.tags ? { tags: args.tags } : {}),
    });
    const nicTypes = vpcId ? ["intranet"] : ["intranet", "internet"];
    for (const nicType of nicTypes) {
        new alicloud.ecs.SecurityGroupRule(
            `${name}-drop-baseline${nicType === "internet" ? "-internet" : ""}`,
            {
                securityGroupId: created.id,
                type: "ingress",
                ipProtocol: "all",
                portRange: "-1/-1",
                cidrIp: "0.0.0.0/0",
                policy: "drop",
                priority: 100,
                nicType,
                description: "Drop everything not allowed above",
            },
        );
    }
    return created;
}

function accept(
    name: string,
    args: Partial<alicloud.ecs.SecurityGroupRuleArgs> & { securityGroupId: pulumi.Input<string> },
) {
    return new alicloud.ecs.SecurityGroupRule(name, {
        type: "ingress",
        ipProtocol: "tcp",
        policy: "accept",
        priority: 1,
        nicType: "intranet",
        description: name,
        ...args,
    });
}

function server(name: string, securityGroups: pulumi.Input<string>[], vpcMember = true) {
    return new alicloud.ecs.Instance(name, {
        instanceName: name,
        instanceType,
        imageId,
        ...(vpcMember ? { vswitchId: vswitch.id } : {}),
        securityGroups,
        tags,
    });
}

const app = group("app", { tags });
server("app-1", [app.id]);

// 1. disallow-broad-intranet-cidr: 10.0.0.0/8 is broader than /16; authorize the app group instead.
const broad = group("broad", { tags });
accept("broad-allow-8080-from-10-0-0-0-8", {
    securityGroupId: broad.id,
    portRange: "8080/8080",
    cidrIp: "10.0.0.0/8",
});
server("broad-1", [broad.id]);

// 2. missing-security-group-tags: no tags at all.
const untagged = group("untagged");
accept("untagged-allow-https-from-app", {
    securityGroupId: untagged.id,
    portRange: "443/443",
    sourceSecurityGroupId: app.id,
});
server("untagged-1", [untagged.id]);

// 3. disallow-excess-security-groups: six groups on one instance, one more than the default quota allows.
const crowd = ["crowd-a", "crowd-b", "crowd-c", "crowd-d", "crowd-e", "crowd-f"].map((name) =>
    group(name, { tags }),
);
server(
    "crowded-1",
    crowd.map((g) => g.id),
);

// 4. disallow-public-risky-ports: RDP from the whole Internet, on a classic-network group's internet rule.
// disallow-broad-intranet-cidr judges the same rule as on a VPC group (0.0.0.0/0 on a port outside
// publicPorts): one problem, two judgements.
const risky = group("risky", { vpc: false, tags });
accept("risky-allow-rdp-from-internet", {
    securityGroupId: risky.id,
    portRange: "3389/3389",
    cidrIp: "0.0.0.0/0",
    nicType: "internet",
});
server("risky-1", [risky.id], false);

// 5. disallow-invalid-rule: start above end; the API rejects "8443/8080".
const invalid = group("invalid", { tags });
accept("invalid-allow-reversed-ports", {
    securityGroupId: invalid.id,
    portRange: "8443/8080",
    sourceSecurityGroupId: app.id,
});
server("invalid-1", [invalid.id]);

// 6. disallow-classic-intranet-cidr: the classic intranet is shared with other tenants, so a CIDR there
// does not say who is calling; authorize a source group.
const classic = group("classic", { vpc: false, tags });
accept("classic-allow-8080-from-192-168-0-0-24", {
    securityGroupId: classic.id,
    portRange: "8080/8080",
    cidrIp: "192.168.0.0/24",
});
server("classic-1", [classic.id], false);

// 7. disallow-cross-network-membership: an instance in a second VPC joined to the first VPC's app group;
// Alibaba Cloud refuses the membership at deploy, so the gate says so first.
const otherVpc = new alicloud.vpc.Network("vpc-other", {
    vpcName: "other",
    cidrBlock: "172.16.0.0/16",
    tags,
});
const otherVswitch = new alicloud.vpc.Switch("vswitch-other", {
    vpcId: otherVpc.id,
    cidrBlock: "172.16.1.0/24",
    zoneId: config.get("zoneId") ?? "cn-hangzhou-i",
    vswitchName: "other",
    tags,
});
new alicloud.ecs.Instance("stray-1", {
    instanceName: "stray-1",
    instanceType,
    imageId,
    vswitchId: otherVswitch.id,
    securityGroups: [app.id],
    tags,
});
