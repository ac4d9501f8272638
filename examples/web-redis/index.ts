import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { joinSecurityGroups, RedisGroupFromSource, WebTierGroup } from "alicloud-secure-groups";

const config = new pulumi.Config();
const zoneId = config.get("zoneId") ?? "cn-hangzhou-i";
const instanceType = config.get("instanceType") ?? "ecs.g7.large";
const imageId = config.get("imageId") ?? "aliyun_3_x64_20G_alibase_20240819.vhd";
const webInstances = config.getNumber("webInstances") ?? 2;
const tags = { owner: config.get("owner") ?? "team-web", project: pulumi.getProject() };

const vpc = new alicloud.vpc.Network("vpc", { vpcName: "web-redis", cidrBlock: "10.0.0.0/16", tags });
const vswitch = new alicloud.vpc.Switch("vswitch", {
    vpcId: vpc.id,
    cidrBlock: "10.0.1.0/24",
    zoneId,
    vswitchName: "web-redis",
    tags,
});

// 80 and 443 from the Internet, nothing else: no SSH, no other port, a drop-all baseline at priority 100.
const web = new WebTierGroup("web", { vpcId: vpc.id, tags });

// 6379 from the web group only, Alibaba's best-practice drop of 6379 from 0.0.0.0/0, and the baseline.
const cache = new RedisGroupFromSource("cache", { vpcId: vpc.id, tags, sources: [web] });

const webServers: alicloud.ecs.Instance[] = [];
for (let n = 1; n <= webInstances; n++) {
    webServers.push(
        new alicloud.ecs.Instance(`web-${n}`, {
            instanceName: `web-${n}`,
            instanceType,
            imageId,
            vswitchId: vswitch.id,
            securityGroups: joinSecurityGroups([web]),
            internetMaxBandwidthOut: 10,
            tags,
        }),
    );
}

const redis = new alicloud.ecs.Instance("redis-1", {
    instanceName: "redis-1",
    instanceType,
    imageId,
    vswitchId: vswitch.id,
    securityGroups: joinSecurityGroups([cache]),
    tags,
});

export const webSecurityGroupId = web.securityGroupId;
export const cacheSecurityGroupId = cache.securityGroupId;
export const webPublicIps = webServers.map((server) => server.publicIp);
export const redisPrivateIp = redis.privateIp;
