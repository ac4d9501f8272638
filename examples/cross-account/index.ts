import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { joinSecurityGroups, RedisGroupFromSource } from "alicloud-secure-groups";

const config = new pulumi.Config();
// The VPC is shared with the partner account (or reachable from it), so it is given, not created here.
const vpcId = config.require("vpcId");
const partnerAccountId = config.require("partnerAccountId");
const partnerWebGroupId = config.require("partnerWebGroupId");
const zoneId = config.get("zoneId") ?? "cn-hangzhou-i";
const tags = { owner: config.get("owner") ?? "team-cache", project: pulumi.getProject() };

const vswitch = new alicloud.vpc.Switch("vswitch", {
    vpcId,
    cidrBlock: config.get("cidrBlock") ?? "10.0.8.0/24",
    zoneId,
    vswitchName: "cross-account-cache",
    tags,
});

// The partner's web group lives in another account: the rule names the group and its owner
// (sourceGroupOwnerId), and the key gives the rule a stable, readable name instead of the raw id.
const cache = new RedisGroupFromSource("cache", {
    vpcId,
    tags,
    sources: [{ group: partnerWebGroupId, ownerId: partnerAccountId, key: "partner-web" }],
});

const redis = new alicloud.ecs.Instance("redis-1", {
    instanceName: "redis-1",
    instanceType: config.get("instanceType") ?? "ecs.g7.large",
    imageId: config.get("imageId") ?? "aliyun_3_x64_20G_alibase_20240819.vhd",
    vswitchId: vswitch.id,
    securityGroups: joinSecurityGroups([cache]),
    tags,
});

export const cacheSecurityGroupId = cache.securityGroupId;
export const redisPrivateIp = redis.privateIp;
