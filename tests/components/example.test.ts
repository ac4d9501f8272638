import * as assert from "assert";
import * as path from "path";
import { find, GROUP, installMocks, resetRegistrations, resourceSet, RULE, settle } from "./harness";

const ROOT = path.resolve(__dirname, "../..");
const EXAMPLE = path.join(ROOT, "examples/web-redis");

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Module = require("module") as {
    _resolveFilename(request: string, parent: unknown, ...rest: unknown[]): string;
};

describe("examples/web-redis, the embedded default", () => {
    before(installMocks);
    beforeEach(resetRegistrations);

    it("imports the library by its package name, which Node resolves to this package's build", () => {
        assert.strictEqual(
            require.resolve("alicloud-secure-groups", { paths: [EXAMPLE] }),
            path.join(ROOT, "dist/index.js"),
        );
        assert.strictEqual(
            require.resolve("alicloud-secure-groups/core", { paths: [EXAMPLE] }),
            path.join(ROOT, "dist/core/index.js"),
        );
    });

    it("creates a VPC, a web tier open on 80/443 only, a Redis tier for the web tier, and instances in them", async () => {
        // Run the example against the sources, not a build that may be older than them.
        const original = Module._resolveFilename;
        Module._resolveFilename = (request, parent, ...rest) =>
            original(
                request === "alicloud-secure-groups" ? path.join(ROOT, "index.ts") : request,
                parent,
                ...rest,
            );
        try {
            await import(path.join(EXAMPLE, "index.ts"));
        } finally {
            Module._resolveFilename = original;
        }
        const resources = await settle();
        assert.deepStrictEqual(resourceSet(resources), [
            "alicloud-secure-groups:index:RedisGroupFromSource cache",
            "alicloud-secure-groups:index:WebTierGroup web",
            "alicloud:ecs/instance:Instance redis-1",
            "alicloud:ecs/instance:Instance web-1",
            "alicloud:ecs/instance:Instance web-2",
            `${GROUP} cache`,
            `${GROUP} web`,
            `${RULE} cache-allow-redis-from-members`,
            `${RULE} cache-allow-redis-from-web`,
            `${RULE} cache-drop-baseline`,
            `${RULE} cache-drop-redis-from-anywhere`,
            `${RULE} web-allow-http-from-internet`,
            `${RULE} web-allow-https-from-internet`,
            `${RULE} web-drop-baseline`,
            "alicloud:vpc/network:Network vpc",
            "alicloud:vpc/switch:Switch vswitch",
        ]);
        assert.deepStrictEqual(
            find(resources, "alicloud:ecs/instance:Instance", "web-1").inputs.securityGroups,
            ["web-id"],
        );
        assert.deepStrictEqual(
            find(resources, "alicloud:ecs/instance:Instance", "redis-1").inputs.securityGroups,
            ["cache-id"],
        );
        assert.strictEqual(
            find(resources, RULE, "cache-allow-redis-from-web").inputs.sourceSecurityGroupId,
            "web-id",
        );
        assert.strictEqual(find(resources, GROUP, "web").inputs.vpcId, "vpc-id");
        assert.strictEqual(find(resources, "alicloud:vpc/switch:Switch", "vswitch").inputs.vpcId, "vpc-id");
        const open = resources.filter(
            (r) => r.type === RULE && r.inputs.policy === "accept" && r.inputs.cidrIp,
        );
        assert.deepStrictEqual(
            open.map((r) => `${r.inputs.cidrIp} ${r.inputs.ipProtocol} ${r.inputs.portRange}`).sort(),
            ["0.0.0.0/0 tcp 443/443", "0.0.0.0/0 tcp 80/80"],
            "nothing but 80 and 443 faces any address",
        );
    });
});
