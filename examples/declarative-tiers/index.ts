import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { joinSecurityGroups, threeTierGroupsFromConfig } from "alicloud-secure-groups";

const config = new pulumi.Config();
const zoneId = config.get("zoneId") ?? "cn-hangzhou-i";
const instanceType = config.get("instanceType") ?? "ecs.g7.large";
const imageId = config.get("imageId") ?? "aliyun_3_x64_20G_alibase_20240819.vhd";
const tags = { owner: config.require("owner"), project: pulumi.getProject() };

const vpc = new alicloud.vpc.Network("vpc", { vpcName: "declarative-tiers", cidrBlock: "10.0.0.0/16", tags });
const vswitch = new alicloud.vpc.Switch("vswitch", {
    vpcId: vpc.id,
    cidrBlock: "10.0.1.0/24",
    zoneId,
    vswitchName: "declarative-tiers",
    tags,
});

// Every rule comes from the `tiers` key of the stack config: the application team edits YAML, the platform
// team owns ThreeTierGroups and the schema.
const tiers = threeTierGroupsFromConfig("shop", { vpcId: vpc.id, tags });

for (const [tier, group] of [
    ["web", tiers.web],
    ["app", tiers.app],
    ["data", tiers.data],
] as const) {
    new alicloud.ecs.Instance(`${tier}-1`, {
        instanceName: `${tier}-1`,
        instanceType,
        imageId,
        vswitchId: vswitch.id,
        securityGroups: joinSecurityGroups([group]),
        ...(tier === "web" ? { internetMaxBandwidthOut: 10 } : {}),
        tags,
    });
}

export const securityGroupIds = tiers.securityGroupIds;
