// A program as many teams already have it: plain @pulumi/alicloud resources, no component of this library.
// The gate judges it all the same. Every comment below names what the gate reports and why.
import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const zoneId = config.get("zoneId") ?? "cn-hangzhou-i";
const instanceType = config.get("instanceType") ?? "ecs.g7.large";
const imageId = config.get("imageId") ?? "aliyun_3_x64_20G_alibase_20240819.vhd";
const tags = { owner: "team-legacy" };

const vpc = new alicloud.vpc.Network("vpc", { vpcName: "legacy", cidrBlock: "10.0.0.0/16", tags });
const vswitch = new alicloud.vpc.Switch("vswitch", {
    vpcId: vpc.id,
    cidrBlock: "10.0.1.0/24",
    zoneId,
    vswitchName: "legacy",
    tags,
});

const webGroup = new alicloud.ecs.SecurityGroup("web", {
    securityGroupName: "legacy-web",
    description: "Web servers",
    vpcId: vpc.id,
    innerAccessPolicy: "Drop",
    tags,
});

// Fine on its own: HTTPS from the Internet, every setting explicit, backed by the drop rule below.
new alicloud.ecs.SecurityGroupRule("web-https", {
    securityGroupId: webGroup.id,
    type: "ingress",
    ipProtocol: "tcp",
    portRange: "443/443",
    cidrIp: "0.0.0.0/0",
    policy: "accept",
    priority: 1,
    nicType: "intranet",
    description: "HTTPS from the Internet",
});

// SSH from anywhere, leaving priority and policy to the provider (priority 1, accept):
// mandatory disallow-broad-intranet-cidr and disallow-public-risky-ports,
// advisory missing-explicit-rule-settings.
new alicloud.ecs.SecurityGroupRule("web-ssh", {
    securityGroupId: webGroup.id,
    type: "ingress",
    ipProtocol: "tcp",
    portRange: "22/22",
    cidrIp: "0.0.0.0/0",
    nicType: "intranet",
});

new alicloud.ecs.SecurityGroupRule("web-drop-all", {
    securityGroupId: webGroup.id,
    type: "ingress",
    ipProtocol: "all",
    portRange: "-1/-1",
    cidrIp: "0.0.0.0/0",
    policy: "drop",
    priority: 100,
    nicType: "intranet",
    description: "Drop everything else",
});

// No tags: mandatory missing-security-group-tags. No description: advisory
// missing-security-group-description. innerAccessPolicy left out: the database servers reach each other on
// every port (advisory enable-inner-access-drop).
const dbGroup = new alicloud.ecs.SecurityGroup("db", {
    securityGroupName: "legacy-db",
    vpcId: vpc.id,
});

// MySQL for the whole 10.0.0.0/8 instead of the web group: mandatory disallow-broad-intranet-cidr (broader
// than /16), advisory prefer-source-group-authorization; and with no drop rule behind it, advisory
// missing-drop-baseline on the group.
new alicloud.ecs.SecurityGroupRule("db-mysql", {
    securityGroupId: dbGroup.id,
    type: "ingress",
    ipProtocol: "tcp",
    portRange: "3306/3306",
    cidrIp: "10.0.0.0/8",
    policy: "accept",
    priority: 1,
    nicType: "intranet",
    description: "MySQL from the intranet",
});

// Every protocol to everywhere: advisory disallow-open-egress.
new alicloud.ecs.SecurityGroupRule("db-egress-all", {
    securityGroupId: dbGroup.id,
    type: "egress",
    ipProtocol: "all",
    portRange: "-1/-1",
    cidrIp: "0.0.0.0/0",
    policy: "accept",
    priority: 1,
    nicType: "intranet",
    description: "Everything out",
});

new alicloud.ecs.Instance("web-1", {
    instanceName: "web-1",
    instanceType,
    imageId,
    vswitchId: vswitch.id,
    securityGroups: [webGroup.id],
    internetMaxBandwidthOut: 10,
    tags,
});

new alicloud.ecs.Instance("db-1", {
    instanceName: "db-1",
    instanceType,
    imageId,
    vswitchId: vswitch.id,
    securityGroups: [dbGroup.id],
    tags,
});
