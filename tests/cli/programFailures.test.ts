import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { preview, ROOT, type GateRun } from "../examples/gate";
import { lineOf, tempProject } from "./run";

/**
 * A program that cannot run fails the gate with one line on stderr naming what failed and where in the user's
 * code: no stack trace, no path of ours, nothing the SDK printed on the way. Each test asserts the whole line.
 */
const FAILING = path.join(ROOT, "tests", "fixtures", "failing");
const CORPUS = path.join(ROOT, "tests", "fixtures", "corpus");

/**
 * A fixture whose program cannot be committed as it is (a syntax error would fail the repository's own type-check
 * and lint): copied under the repository, where it resolves `@pulumi/alicloud` as a user's project does.
 */
function materialize(fixture: string): string {
    const files: Record<string, string> = {};
    for (const file of fs.readdirSync(path.join(FAILING, fixture))) {
        files[file.replace(/\.txt$/, "")] = fs.readFileSync(path.join(FAILING, fixture, file), "utf8");
    }
    return tempProject(fixture, files);
}

function assertFails(run: GateRun, line: string): void {
    assert.strictEqual(run.code, 2, run.stderr);
    assert.strictEqual(run.stderr, `alicloud-sg: program failed: ${line}\n`);
}

describe("alicloud-sg preview: a failing program is one line at the user's code", function () {
    this.timeout(600_000);
    const created: string[] = [];
    after(() => {
        for (const dir of created) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("a data source nothing can answer offline: the function, the user's line and --invokes", async () => {
        const dir = path.join(FAILING, "unanswerable-invoke");
        const line = lineOf(path.join(dir, "index.ts"), "pulumi.runtime.invoke(");
        assertFails(
            await preview(dir),
            `cannot answer the data source netbox:ipam/getPrefixes:getPrefixes offline (called at index.ts:${line}): ` +
                "no installed declaration gives the shape of its result (@pulumi/netbox is not installed); " +
                "pin its answer with --invokes FILE",
        );
        // Pinned, it runs, and the answer is used as given.
        const pinned = await preview(dir, ["--invokes", path.join(dir, "pins.yaml")]);
        assert.strictEqual(pinned.code, 0, pinned.stderr);
        const rule = pinned.report?.resources.find((r) => r.name === "bastion-ssh-from-office");
        assert.strictEqual(rule?.inputs.cidrIp, "198.51.100.0/28");
        assert.deepStrictEqual(pinned.report?.invokes, [
            {
                token: "netbox:ipam/getPrefixes:getPrefixes",
                args: { tag: "office" },
                answer: "pinned",
                source: `index.ts:${line}`,
            },
        ]);
    });

    it("a data source of another provider whose declarations are installed: answered as alicloud's are", async () => {
        const sdk = "node_modules/@acme/netbox";
        const dir = tempProject("other-provider", {
            [`${sdk}/package.json`]: '{"name":"@acme/netbox","version":"1.0.0","main":"index.js"}',
            [`${sdk}/index.js`]:
                'exports.ipam = { getPrefixes: require("./ipam/getPrefixes").getPrefixes };\n',
            // As pulumi-language-nodejs generates a provider SDK: the function, and its declarations beside it.
            [`${sdk}/ipam/getPrefixes.js`]: [
                'const pulumi = require("@pulumi/pulumi");',
                "function getPrefixes(args, opts) {",
                "    args = args || {};",
                '    return pulumi.runtime.invoke("netbox:ipam/getPrefixes:getPrefixes", { "tag": args.tag }, opts);',
                "}",
                "exports.getPrefixes = getPrefixes;",
                "",
            ].join("\n"),
            [`${sdk}/ipam/getPrefixes.d.ts`]: [
                'import * as outputs from "../types/output";',
                "export declare function getPrefixes(args?: { tag?: string }): Promise<GetPrefixesResult>;",
                "export interface GetPrefixesResult { readonly id: string; readonly prefixes: outputs.ipam.GetPrefixesPrefix[] }",
                "",
            ].join("\n"),
            [`${sdk}/types/output.d.ts`]:
                "export declare namespace ipam { interface GetPrefixesPrefix { prefix: string; vlanId: number } }\n",
            "Pulumi.yaml": "name: other-provider\nruntime: nodejs\n",
            "index.ts": [
                'import * as alicloud from "@pulumi/alicloud";',
                "// eslint-disable-next-line @typescript-eslint/no-require-imports",
                'const netbox = require("@acme/netbox");',
                "",
                'const office = netbox.ipam.getPrefixes({ tag: "office" });',
                'new alicloud.ecs.SecurityGroupRule("ssh-from-office", {',
                '    type: "ingress",',
                '    ipProtocol: "tcp",',
                '    portRange: "22/22",',
                '    securityGroupId: "sg-bp1bastion",',
                "    cidrIp: office.then((found: { prefixes: { prefix: string }[] }) => found.prefixes[0].prefix),",
                "});",
                "",
            ].join("\n"),
        });
        created.push(dir);
        const run = await preview(dir);
        assert.strictEqual(run.code, 0, run.stderr);
        assert.strictEqual(run.report?.resources[0].inputs.cidrIp, "[unknown]");
        assert.deepStrictEqual(run.report?.invokes, [
            {
                token: "netbox:ipam/getPrefixes:getPrefixes",
                args: { tag: "office" },
                answer: "unknown",
                source: "index.ts:5",
            },
        ]);
    });

    it("a package that is not installed: the module, the importing line and the npm command", async () => {
        const dir = path.join(FAILING, "missing-package");
        const line = lineOf(path.join(dir, "index.ts"), 'from "@pulumi/random"');
        assertFails(
            await preview(dir),
            `Cannot find module '@pulumi/random' (imported at index.ts:${line}) — npm install @pulumi/random`,
        );
    });

    it("a TypeScript syntax error: file:line:column", async () => {
        const dir = materialize("ts-syntax");
        created.push(dir);
        const line = lineOf(path.join(dir, "index.ts"), "description:");
        assertFails(await preview(dir), `syntax error at index.ts:${line}:5: ',' expected. (TS1005)`);
    });

    it("a JavaScript syntax error: file:line:column", async () => {
        const dir = materialize("js-syntax");
        created.push(dir);
        const line = lineOf(path.join(dir, "index.js"), '"web",,');
        assertFails(await preview(dir), `syntax error at index.js:${line}:30: Unexpected token ','`);
    });

    it("a missing config value: how to give it offline, not `pulumi config set`", async () => {
        // The stack has no Pulumi.prod.yaml: it runs as dev would without one, and misses what dev's file gives.
        const dir = path.join(ROOT, "tests", "fixtures", "programs", "violations");
        const line = lineOf(path.join(dir, "index.ts"), 'config.require("sshCidr")');
        assertFails(
            await preview(dir, ["--stack", "prod"]),
            `missing required configuration value 'fixture-violations:sshCidr' (read at index.ts:${line}): ` +
                "give it with --config sshCidr=VALUE or in Pulumi.prod.yaml",
        );
    });

    it("a stack with no Pulumi.<stack>.yaml runs as dev does: project defaults and --config", async () => {
        const run = await preview(path.join(CORPUS, "stack-config"), [
            "--stack",
            "qa",
            "--config",
            "officeCidr=192.0.2.15/32",
            "--config",
            "imageFamily=acs:ubuntu_22_04_x64",
            "--config",
            "alicloud:region=cn-beijing",
            "--config",
            "deployKeyName=qa-deploy",
        ]);
        assert.strictEqual(run.code, 0, run.stderr);
        assert.strictEqual(run.report?.stack, "qa");
        const byName = (type: string, name: string) =>
            run.report?.resources.find((r) => r.type === type && r.name === name)?.inputs;
        assert.strictEqual(byName("alicloud:vpc/network:Network", "admin")?.vpcName, "admin-cn-beijing");
        assert.strictEqual(
            byName("alicloud:ecs/securityGroup:SecurityGroup", "admin")?.securityGroupName,
            "admin-qa",
        );
        // The project's default instance type, as Pulumi.yaml declares it.
        assert.deepStrictEqual(
            run.report?.invokes.map((call) => call.args),
            [
                { availableInstanceType: "ecs.g7.large", availableResourceCreation: "Instance" },
                { imageFamily: "acs:ubuntu_22_04_x64", owners: "system" },
                { ids: ["[secret]"] },
            ],
        );
    });

    it("an input that rejects, and a failure on a placeholder: the SDK prints nothing before the line", async () => {
        const dir = tempProject("placeholder-failure", {
            "Pulumi.yaml": "name: placeholder-failure\nruntime: nodejs\n",
            "index.ts": [
                'import * as alicloud from "@pulumi/alicloud";',
                "",
                "export = async () => {",
                '    const images = await alicloud.ecs.getImages({ owners: "system" });',
                '    const ubuntu = images.images.find((image) => image.osType === "linux");',
                '    new alicloud.ecs.Instance("vm", { imageId: ubuntu!.id, instanceType: "ecs.g7.large" });',
                "};",
                "",
            ].join("\n"),
        });
        created.push(dir);
        assertFails(
            await preview(dir),
            "Cannot read properties of undefined (reading 'id') (at index.ts:6:56); the program read data sources " +
                "answered offline with placeholders (ecs.getImages at index.ts:4): if it depends on their values, " +
                "pin real answers with --invokes FILE",
        );
        fs.writeFileSync(
            path.join(dir, "index.ts"),
            [
                'import * as alicloud from "@pulumi/alicloud";',
                "",
                'new alicloud.ecs.SecurityGroup("web", {',
                '    description: Promise.reject(new Error("the description service is down")),',
                "});",
                "",
            ].join("\n"),
        );
        assertFails(
            await preview(dir),
            'error serializing property "description": the description service is down (at index.ts:4:33)',
        );
    });
});
