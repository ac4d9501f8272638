import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { joinSecurityGroups, RedisGroupFromSource, WebTierGroup } from "alicloud-secure-groups";

const config = new pulumi.Config();
const instanceType = config.get("instanceType") ?? "ecs.n4.large";
const imageId = config.get("imageId") ?? "centos_7_9_x64_20G_alibase_20240628.vhd";
const tags = { owner: config.get("owner") ?? "team-legacy", project: pulumi.getProject() };

// classicNetwork: true instead of a vpcId, since the components refuse a group without vpcId unless the
// classic network is asked for. There the Internet arrives on the internet NIC and other tenants share the
// intranet, so the web tier opens 80/443 on `internet` rules and the baseline drops on both NIC types.
const web = new WebTierGroup("web", { classicNetwork: true, tags });

// On the shared classic intranet an address says nothing about who is calling: Redis admits the web group
// by source security group (always an intranet rule), never by CIDR.
const cache = new RedisGroupFromSource("cache", { classicNetwork: true, tags, sources: [web] });

// Classic-network instances have no vSwitch; a public bandwidth gives them an Internet address.
const webServer = new alicloud.ecs.Instance("web-1", {
    instanceName: "web-1",
    instanceType,
    imageId,
    securityGroups: joinSecurityGroups([web]),
    internetMaxBandwidthOut: 10,
    tags,
});

new alicloud.ecs.Instance("redis-1", {
    instanceName: "redis-1",
    instanceType,
    imageId,
    securityGroups: joinSecurityGroups([cache]),
    tags,
});

export const webPublicIp = webServer.publicIp;
export const webSecurityGroupId = web.securityGroupId;
export const cacheSecurityGroupId = cache.securityGroupId;
