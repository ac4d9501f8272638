import * as assert from "assert";
import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { joinSecurityGroups, SecureGroup } from "../../components";
import { ValidationError } from "../../components";
import { installMocks, resetRegistrations, settle } from "./harness";

function resolved<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

function group(name: string, securityGroupType: "normal" | "enterprise" = "normal"): SecureGroup {
    return new SecureGroup(name, {
        vpcId: "vpc-1",
        securityGroupType,
        tags: { owner: "team" },
        ingress: { https: { preset: "https", cidr: "10.1.0.0/16" } },
    });
}

describe("components/joinSecurityGroups", () => {
    before(installMocks);
    beforeEach(resetRegistrations);

    it("hands components, resources and ids to an instance in the order given", async () => {
        const web = group("web");
        const ops = new alicloud.ecs.SecurityGroup("ops", { vpcId: "vpc-1" });
        const ids = joinSecurityGroups([web, ops, "sg-shared"]);
        const instance = new alicloud.ecs.Instance("web-1", {
            securityGroups: ids,
            instanceType: "ecs.g7.large",
        });
        assert.deepStrictEqual(await resolved(ids), ["web-id", "ops-id", "sg-shared"]);
        const resources = await settle();
        const registered = resources.find(
            (r) => r.name === "web-1" && r.type === "alicloud:ecs/instance:Instance",
        );
        assert.deepStrictEqual(registered?.inputs.securityGroups, ["web-id", "ops-id", "sg-shared"]);
        assert.ok(instance);
    });

    it("refuses a sixth group before the instance is created, and takes a raised quota", async () => {
        const six = ["sg-1", "sg-2", "sg-3", "sg-4", "sg-5", "sg-6"];
        assert.throws(
            () => new alicloud.ecs.Instance("too-many", { securityGroups: joinSecurityGroups(six) }),
            (error: Error) =>
                error instanceof ValidationError &&
                error.message.includes("securityGroups") &&
                error.message.includes("6 groups") &&
                error.message.includes("5"),
        );
        assert.deepStrictEqual(await settle(), []);
        assert.deepStrictEqual(await resolved(joinSecurityGroups(six, { maxGroups: 6 })), six);
    });

    it("refuses normal groups mixed with enterprise groups", async () => {
        const normal = group("normal");
        const enterprise = group("enterprise", "enterprise");
        await settle();
        resetRegistrations();
        assert.throws(
            () =>
                new alicloud.ecs.Instance("mixed", {
                    securityGroups: joinSecurityGroups([normal, enterprise]),
                }),
            (error: Error) =>
                error instanceof ValidationError &&
                error.message.includes("securityGroups[0]") &&
                error.message.includes("securityGroups[1]") &&
                error.message.includes("enterprise"),
        );
        assert.deepStrictEqual(await settle(), []);
    });

    it("refuses a group listed twice", () => {
        assert.throws(
            () => joinSecurityGroups(["sg-1", "sg-2", "sg-1"]),
            (error: Error) => error.message.includes("securityGroups[2]") && error.message.includes('"sg-1"'),
        );
    });

    it("refuses a secret group id listed twice without printing it", async () => {
        const ids = joinSecurityGroups([
            pulumi.secret("sg-vault0secret1"),
            pulumi.secret("sg-vault0secret1"),
        ]);
        const failure = await (ids as unknown as { promise(): Promise<unknown> }).promise().then(
            () => undefined,
            (error: unknown) => error,
        );
        assert.ok(failure instanceof ValidationError, String(failure));
        assert.strictEqual(
            failure.message,
            "joinSecurityGroups: securityGroups must not name one security group twice (got [secret])",
        );
    });

    it("checks the type of a raw SecurityGroup resource when it is known", async () => {
        const normal = group("normal");
        const raw = new alicloud.ecs.SecurityGroup("raw-enterprise", {
            vpcId: "vpc-1",
            securityGroupType: "enterprise",
        });
        const ids = joinSecurityGroups([normal, raw]);
        const failure = await new Promise<unknown>((resolve) => {
            ids.apply(() => resolve(undefined));
            // An Output whose apply throws never resolves; its promise rejects.
            (ids as unknown as { promise(): Promise<unknown> }).promise().catch(resolve);
        });
        assert.ok(failure instanceof Error && failure.message.includes("enterprise"), String(failure));
    });

    it("refuses an empty list", () => {
        assert.throws(
            () => joinSecurityGroups([]),
            /securityGroups must name at least one security group \(got \[\]\)/,
        );
    });
});
