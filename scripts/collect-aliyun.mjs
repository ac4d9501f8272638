#!/usr/bin/env node
// Collects what `alicloud-sg audit --aliyun DIR` reads, with the aliyun CLI, for every region of an account (or
// those given), following every page: security groups and their rules (both NIC types for classic-network
// groups), instances, ENIs, launch templates (default versions), scaling configurations, ECI container groups
// and ACK node pools. Only read calls;
// `--print-ram-policy` prints the RAM policy that allows exactly them. Each response is written as the CLI
// printed it, one file per page: DIR/<region>/<Action>[.<id>][.<nicType>].<page>.json.
//
//   node collect-aliyun.mjs --out DIR [--regions cn-hangzhou,cn-shanghai] [--profile NAME] [--concurrency 4]
//
// Plain Node (no dependency), so that it runs wherever the aliyun CLI does.
import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Every call the script makes, as RAM actions: the read-only permissions it needs. */
const RAM_ACTIONS = [
    "ecs:DescribeRegions",
    "ecs:DescribeSecurityGroups",
    "ecs:DescribeSecurityGroupAttribute",
    "ecs:DescribeInstances",
    "ecs:DescribeNetworkInterfaces",
    "ecs:DescribeLaunchTemplates",
    "ecs:DescribeLaunchTemplateVersions",
    "ess:DescribeScalingConfigurations",
    "eci:DescribeContainerGroups",
    "cs:DescribeClusters",
    "cs:DescribeClusterNodePools",
];

function ramPolicy() {
    return { Version: "1", Statement: [{ Effect: "Allow", Action: RAM_ACTIONS, Resource: "*" }] };
}

function parseArgs(argv) {
    const options = {
        regions: undefined,
        profile: undefined,
        concurrency: 4,
        out: undefined,
        aliyun: "aliyun",
    };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            if (i + 1 >= argv.length) {
                throw new Error(`${arg} needs a value`);
            }
            return argv[++i];
        };
        if (arg === "--out") options.out = value();
        else if (arg === "--regions") options.regions = value().split(",").filter(Boolean);
        else if (arg === "--profile") options.profile = value();
        else if (arg === "--concurrency") options.concurrency = Number(value());
        else if (arg === "--aliyun") options.aliyun = value();
        else if (arg === "--print-ram-policy") options.printPolicy = true;
        else throw new Error(`unknown argument ${JSON.stringify(arg)}`);
    }
    if (!options.printPolicy && !options.out) {
        throw new Error("--out DIR is required (where the responses are written)");
    }
    if (!Number.isInteger(options.concurrency) || options.concurrency < 1) {
        throw new Error(`--concurrency must be a positive integer (got ${options.concurrency})`);
    }
    return options;
}

/** Runs `aliyun <product> <api> --<param> <value>...` (an RPC API) and parses what it prints. */
function call(options, product, api, params) {
    const args = [product, api];
    for (const [key, value] of Object.entries(params)) {
        if (value !== undefined && value !== "") {
            args.push(`--${key}`, String(value));
        }
    }
    if (params.RegionId) {
        args.push("--region", params.RegionId);
    }
    return run(options, args);
}

/** Runs `aliyun <product> GET <path> --region <region>` (a RESTful API, as ACK's) and parses what it prints. */
function get(options, product, path, region) {
    return run(options, [product, "GET", path, "--region", region]);
}

function run(options, args) {
    if (options.profile) {
        args.push("--profile", options.profile);
    }
    return new Promise((resolve, reject) => {
        execFile(options.aliyun, args, { maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
            if (err) {
                reject(new Error(`aliyun ${args.join(" ")} failed: ${(stderr || err.message).trim()}`));
                return;
            }
            try {
                resolve(JSON.parse(stdout));
            } catch {
                reject(new Error(`aliyun ${args.join(" ")} printed something that is not JSON`));
            }
        });
    });
}

function write(file, response) {
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(file, JSON.stringify(response, null, 2) + "\n");
}

const items = (response, outer, inner) => {
    const list = response?.[outer]?.[inner];
    return Array.isArray(list) ? list : [];
};

/**
 * Every page of a paged call, each written as it came: by `NextToken` (with `MaxResults`) for the APIs that
 * have it, by `PageNumber`/`PageSize` for the others. Returns the pages.
 */
async function pages(options, product, api, params, paging, fileBase) {
    const all = [];
    let token;
    for (let page = 1; ; page++) {
        const request =
            paging.kind === "token"
                ? { ...params, [paging.sizeParam ?? "MaxResults"]: paging.size, NextToken: token }
                : { ...params, PageNumber: page, PageSize: paging.size };
        const response = await call(options, product, api, request);
        write(`${fileBase}.${page}.json`, response);
        all.push(response);
        if (paging.kind === "token") {
            token = response.NextToken;
            if (!token) {
                return all;
            }
        } else {
            const total = Number(response.TotalCount ?? 0);
            if (page * paging.size >= total) {
                return all;
            }
        }
    }
}

/** Runs `work` over `list` with at most `limit` at a time. */
async function eachLimited(list, limit, work) {
    let next = 0;
    await Promise.all(
        Array.from({ length: Math.min(limit, list.length) }, async () => {
            while (next < list.length) {
                await work(list[next++]);
            }
        }),
    );
}

async function collectRegion(options, region) {
    const dir = join(options.out, region);
    /** Every page of one call in this region, written under `<dir>/<file>.<page>.json`. */
    const regionPages = (product, api, paging, params = {}, file = api) =>
        pages(options, product, api, { RegionId: region, ...params }, paging, join(dir, file));
    const byToken = (size, sizeParam) => ({ kind: "token", size, sizeParam });
    const byPage = { kind: "page", size: 50 };

    const groups = (await regionPages("ecs", "DescribeSecurityGroups", byToken(100))).flatMap((page) =>
        items(page, "SecurityGroups", "SecurityGroup"),
    );
    await eachLimited(groups, options.concurrency, async (group) => {
        const id = group.SecurityGroupId;
        // A VPC group's rules come in one call; a classic-network group's, one call per NIC type.
        for (const nicType of group.VpcId ? [undefined] : ["internet", "intranet"]) {
            const file = `DescribeSecurityGroupAttribute.${id}${nicType ? `.${nicType}` : ""}`;
            await regionPages(
                "ecs",
                "DescribeSecurityGroupAttribute",
                byToken(1000),
                { SecurityGroupId: id, NicType: nicType },
                file,
            );
        }
    });
    await regionPages("ecs", "DescribeInstances", byToken(100));
    await regionPages("ecs", "DescribeNetworkInterfaces", byToken(500));
    const templates = (await regionPages("ecs", "DescribeLaunchTemplates", byPage)).flatMap((page) =>
        items(page, "LaunchTemplateSets", "LaunchTemplateSet"),
    );
    await eachLimited(templates, options.concurrency, ({ LaunchTemplateId: id }) =>
        regionPages(
            "ecs",
            "DescribeLaunchTemplateVersions",
            byPage,
            { LaunchTemplateId: id, DefaultVersion: true, DetailFlag: true },
            `DescribeLaunchTemplateVersions.${id}`,
        ),
    );
    await regionPages("ess", "DescribeScalingConfigurations", byPage);
    // ECI pages by NextToken with `Limit` (at most 20) rather than MaxResults.
    await regionPages("eci", "DescribeContainerGroups", byToken(20, "Limit"));
    // ACK's API is RESTful: every cluster the account has (one unpaged list), then each cluster's node pools in
    // this region. The list itself joins nothing and is not written; the node pools carry their groups.
    const clusters = await get(options, "cs", "/clusters", region);
    if (!Array.isArray(clusters)) {
        // Anything else would silently leave every node pool out of the audit.
        throw new Error(
            `aliyun cs GET /clusters --region ${region} printed something other than a list of clusters`,
        );
    }
    // A cluster without a region is asked for in every region; the audit merges what repeats.
    const here = clusters.filter((cluster) => (cluster.region_id ?? region) === region);
    await eachLimited(here, options.concurrency, async ({ cluster_id: id }) => {
        const pools = await get(options, "cs", `/clusters/${id}/nodepools`, region);
        write(join(dir, `DescribeClusterNodePools.${id}.json`), pools);
    });
    return { groups: groups.length };
}

async function main(argv) {
    const options = parseArgs(argv);
    if (options.printPolicy) {
        process.stdout.write(JSON.stringify(ramPolicy(), null, 2) + "\n");
        return;
    }
    let regions = options.regions;
    if (!regions) {
        const response = await call(options, "ecs", "DescribeRegions", {});
        write(join(options.out, "DescribeRegions.json"), response);
        regions = items(response, "Regions", "Region").map((region) => region.RegionId);
    }
    for (const region of regions) {
        const { groups } = await collectRegion(options, region);
        process.stderr.write(`collect-aliyun: ${region}: ${groups} security groups\n`);
    }
    process.stderr.write(`collect-aliyun: done; audit with: alicloud-sg audit --aliyun ${options.out}\n`);
}

main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`collect-aliyun: ${err.message}\n`);
    process.exitCode = 1;
});
