import * as assert from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import { EngineServer } from "../../engine/engineServer";
import { pulumiSdkDir } from "../../engine/sdk";
import { inferSchema, ROOT, SCHEMA_FILE, schemaText } from "../../scripts/component-schema";
import { RecordingMonitor, Registration } from "./recordingMonitor";

/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's generated gRPC stubs have no usable types here. */
const sdkRequire = createRequire(path.join(pulumiSdkDir(), "package.json"));
const grpc = sdkRequire("@grpc/grpc-js");
const providerGrpc = sdkRequire("./proto/provider_grpc_pb");
const providerPb = sdkRequire("./proto/provider_pb");
const statusPb = sdkRequire("./proto/status_pb");
const errorsPb = sdkRequire("./proto/errors_pb");
const structPb = sdkRequire("google-protobuf/google/protobuf/struct_pb");
const emptyPb = sdkRequire("google-protobuf/google/protobuf/empty_pb");
const rpc = sdkRequire("./runtime/rpc");

const PACKAGE = "alicloud-secure-groups";
const PROJECT = "shop-py";
const STACK = "dev";
const STACK_URN = `urn:pulumi:${STACK}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${STACK}`;
const GROUP = "alicloud:ecs/securityGroup:SecurityGroup";
const RULE = "alicloud:ecs/securityGroupRule:SecurityGroupRule";
const type = (component: string) => `${PACKAGE}:index:${component}`;

/** A reference to a resource, as the engine sends one a program passed (Python `sources=[web]`, YAML `${web}`). */
const ref = (urn: string, id?: string) => ({
    [rpc.specialSigKey]: rpc.specialResourceSig,
    urn,
    ...(id !== undefined ? { id, packageVersion: "3.108.0" } : { packageVersion: "" }),
});
/** An Output the program passed, as an output value. */
const output = (value: unknown, options: { secret?: boolean; dependencies?: string[] } = {}) => ({
    [rpc.specialSigKey]: rpc.specialOutputValueSig,
    ...(value !== undefined ? { value } : {}),
    ...(options.secret ? { secret: true } : {}),
    ...(options.dependencies ? { dependencies: options.dependencies } : {}),
});
const secret = (value: unknown) => ({ [rpc.specialSigKey]: rpc.specialSecretSig, value });

/** The Node language host's way to run a plugin: the SDK's run-plugin on the package directory. */
function startPlugin(
    engine: string,
): Promise<{ child: ChildProcess; address: string; stderr: () => string }> {
    const runPlugin = path.join(pulumiSdkDir(), "cmd", "run-plugin", "index.js");
    const child = spawn(process.execPath, [runPlugin, ROOT, engine], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((resolve, reject) => {
        let stdout = "";
        child.stdout?.on("data", (chunk: Buffer) => {
            stdout += chunk.toString();
            const line = stdout.split("\n")[0];
            if (stdout.includes("\n") && /^\d+$/.test(line.trim())) {
                resolve({ child, address: `127.0.0.1:${line.trim()}`, stderr: () => stderr });
            }
        });
        child.on("exit", (code) =>
            reject(new Error(`the plugin exited (${code}) before serving: ${stderr}${stdout}`)),
        );
    });
}

function call<Response>(client: any, method: string, request: unknown): Promise<Response> {
    return new Promise((resolve, reject) =>
        client[method](request, (err: unknown, response: Response) =>
            err ? reject(err) : resolve(response),
        ),
    );
}

/** The property paths and reasons of a Construct refused with the SDK's InputPropertiesError. */
function propertyErrors(err: any): [string, string][] {
    assert.strictEqual(err.code, grpc.status.INVALID_ARGUMENT, err.details);
    const status = statusPb.Status.deserializeBinary(err.metadata.get("grpc-status-details-bin")[0]);
    const details = errorsPb.InputPropertiesError.deserializeBinary(status.getDetailsList()[0].getValue());
    return details.getErrorsList().map((error: any) => [error.getPropertyPath(), error.getReason()]);
}

interface Constructed {
    readonly urn: string;
    readonly state: Record<string, unknown>;
    readonly children: Registration[];
}

describe("the component package, served to other languages", function () {
    this.timeout(600_000);
    let engine: EngineServer;
    let plugin: Awaited<ReturnType<typeof startPlugin>>;
    let client: any;

    before(async function () {
        if (!fs.existsSync(path.join(ROOT, "dist", "index.js"))) {
            throw new Error("dist/ is missing: run `npm run build` (npm test does) before these tests");
        }
        engine = new EngineServer();
        plugin = await startPlugin(await engine.start());
        client = new providerGrpc.ResourceProviderClient(plugin.address, grpc.credentials.createInsecure());
        await call(client, "getPluginInfo", new emptyPb.Empty());
        await call(client, "configure", new providerPb.ConfigureRequest());
    });

    after(function () {
        client?.close();
        plugin?.child.kill("SIGKILL");
        engine?.stop();
    });

    it("serves the schema the SDK's analyzer infers from the TypeScript types, and it is the one checked in", async function () {
        const schema = await inferSchema();
        assert.strictEqual(
            await schemaText(schema),
            fs.readFileSync(SCHEMA_FILE, "utf8"),
            "components/schema.json is stale: run `npm run docs:schema`",
        );
        const served = await call<any>(client, "getSchema", new providerPb.GetSchemaRequest());
        assert.deepStrictEqual(JSON.parse(served.getSchema()), schema);
        assert.deepStrictEqual(Object.keys(schema.resources as object).sort(), [
            type("RedisGroupFromSource"),
            type("SecureGroup"),
            type("ServiceGroupFromSource"),
            type("ThreeTierGroups"),
            type("WebTierGroup"),
        ]);
    });

    describe("Construct, as `pulumi up` drives it", () => {
        const monitor = new RecordingMonitor(PROJECT, STACK, false);
        const vpcUrn = monitor.urnOf("alicloud:vpc/network:Network", "vpc", STACK_URN);
        const legacyUrn = monitor.urnOf(GROUP, "legacy-app", STACK_URN);
        let monitorAddress: string;

        before(async () => {
            monitorAddress = await monitor.start();
            // What the program registered before, which the engine answers getResource with.
            monitor.known.set(legacyUrn, { id: "sg-legacy", state: { securityGroupType: "normal" } });
        });
        after(() => monitor.stop());

        async function construct(
            component: string,
            name: string,
            inputs: Record<string, unknown>,
            dependencies: Record<string, string[]> = {},
        ): Promise<Constructed> {
            const request = new providerPb.ConstructRequest();
            request.setProject(PROJECT);
            request.setStack(STACK);
            request.setOrganization("organization");
            request.setDryrun(false);
            request.setParallel(16);
            request.setMonitorendpoint(monitorAddress);
            request.setType(type(component));
            request.setName(name);
            request.setParent(STACK_URN);
            request.setAcceptsOutputValues(true);
            request.setInputs(structPb.Struct.fromJavaScript(inputs));
            for (const [key, urns] of Object.entries(dependencies)) {
                const deps = new providerPb.ConstructRequest.PropertyDependencies();
                deps.setUrnsList(urns);
                request.getInputdependenciesMap().set(key, deps);
            }
            const response = await call<any>(client, "construct", request);
            const urn = response.getUrn();
            return { urn, state: response.getState().toJavaScript(), children: monitor.descendantsOf(urn) };
        }

        const names = (children: readonly Registration[]) =>
            children.map((child) => `${child.type} ${child.name} < ${child.parent.split("::").pop()}`).sort();
        const rule = (children: readonly Registration[], name: string) => {
            const found = children.find((child) => child.name === name);
            assert.ok(found, `${name} is not among ${children.map((child) => child.name).join(", ")}`);
            const {
                type: ruleType,
                ipProtocol,
                portRange,
                policy,
                priority,
                nicType,
                cidrIp,
                sourceSecurityGroupId,
                securityGroupId,
            } = found.inputs;
            return {
                ruleType,
                ipProtocol,
                portRange,
                policy,
                priority,
                nicType,
                cidrIp,
                sourceSecurityGroupId,
                securityGroupId,
            };
        };
        const accept = (portRange: string, source: string, group: string) => ({
            ruleType: "ingress",
            ipProtocol: "tcp",
            portRange,
            policy: "accept",
            priority: 1,
            nicType: "intranet",
            cidrIp: undefined,
            sourceSecurityGroupId: source,
            securityGroupId: group,
        });

        it("builds a SecureGroup whose vpcId arrives as an Output, keeping its dependency on the VPC", async () => {
            const bastion = await construct(
                "SecureGroup",
                "bastion",
                {
                    vpcId: output("vpc-123", { dependencies: [vpcUrn] }),
                    tags: { owner: "ops" },
                    ingress: { ssh: { preset: "ssh", cidr: "203.0.113.10/32" } },
                },
                { vpcId: [vpcUrn] },
            );
            assert.deepStrictEqual(names(bastion.children), [
                `${GROUP} bastion < bastion`,
                `${RULE} bastion-drop-baseline < bastion`,
                `${RULE} bastion-ssh < bastion`,
            ]);
            const group = bastion.children.find((child) => child.type === GROUP) as Registration;
            assert.strictEqual(group.inputs.vpcId, "vpc-123");
            assert.deepStrictEqual(group.propertyDependencies.vpcId, [vpcUrn]);
            assert.deepStrictEqual(rule(bastion.children, "bastion-ssh"), {
                ...accept("22/22", "", "bastion-id"),
                cidrIp: "203.0.113.10/32",
                sourceSecurityGroupId: undefined,
            });
            assert.strictEqual(bastion.state.securityGroupId, "bastion-id");
            assert.strictEqual(bastion.state.securityGroupType, "normal");
        });

        it("builds a WebTierGroup administered from a component passed by reference", async () => {
            const bastionUrn = monitor.urnOf(type("SecureGroup"), "bastion", STACK_URN);
            const web = await construct(
                "WebTierGroup",
                "web",
                { vpcId: "vpc-123", tags: { owner: "team-web" }, adminAccess: { from: [ref(bastionUrn)] } },
                { adminAccess: [bastionUrn] },
            );
            assert.deepStrictEqual(names(web.children), [
                `${GROUP} web < web`,
                `${RULE} web-allow-http-from-internet < web`,
                `${RULE} web-allow-https-from-internet < web`,
                `${RULE} web-allow-ssh-from-bastion < web`,
                `${RULE} web-drop-baseline < web`,
            ]);
            assert.deepStrictEqual(
                rule(web.children, "web-allow-ssh-from-bastion"),
                accept("22/22", "bastion-id", "web-id"),
            );
            const ssh = web.children.find(
                (child) => child.name === "web-allow-ssh-from-bastion",
            ) as Registration;
            assert.deepStrictEqual(ssh.propertyDependencies.sourceSecurityGroupId, [
                monitor.urnOf(GROUP, "bastion", bastionUrn),
            ]);
            assert.deepStrictEqual(Object.keys(web.state.rules as object).sort(), [
                "web-allow-http-from-internet",
                "web-allow-https-from-internet",
                "web-allow-ssh-from-bastion",
                "web-drop-baseline",
            ]);
        });

        it("builds a RedisGroupFromSource for a web tier passed by reference, its secret tag kept secret", async () => {
            const webUrn = monitor.urnOf(type("WebTierGroup"), "web", STACK_URN);
            const cache = await construct(
                "RedisGroupFromSource",
                "cache",
                {
                    vpcId: "vpc-123",
                    tags: { owner: output("team-web", { secret: true }) },
                    sources: [ref(webUrn)],
                    port: 6380,
                },
                { sources: [webUrn] },
            );
            assert.deepStrictEqual(names(cache.children), [
                `${GROUP} cache < cache`,
                `${RULE} cache-allow-redis-from-members < cache`,
                `${RULE} cache-allow-redis-from-web < cache`,
                `${RULE} cache-drop-baseline < cache`,
                `${RULE} cache-drop-redis-from-anywhere < cache`,
            ]);
            assert.deepStrictEqual(
                rule(cache.children, "cache-allow-redis-from-web"),
                accept("6380/6380", "web-id", "cache-id"),
            );
            const group = cache.children.find((child) => child.type === GROUP) as Registration;
            assert.deepStrictEqual((group.inputs.tags as Record<string, unknown>).owner, secret("team-web"));
        });

        it("builds a ServiceGroupFromSource from an id, a raw security group and ports as text", async () => {
            const bastionUrn = monitor.urnOf(type("SecureGroup"), "bastion", STACK_URN);
            const db = await construct(
                "ServiceGroupFromSource",
                "db",
                {
                    vpcId: "vpc-123",
                    tags: { owner: "team-data" },
                    service: "mysql",
                    ports: ["3307"],
                    sources: ["sg-app-123", ref(legacyUrn, "sg-legacy")],
                    adminAccess: { from: [ref(bastionUrn)] },
                },
                { sources: [legacyUrn], adminAccess: [bastionUrn] },
            );
            assert.deepStrictEqual(names(db.children), [
                `${GROUP} db < db`,
                `${RULE} db-allow-mysql-from-legacy-app < db`,
                `${RULE} db-allow-mysql-from-members < db`,
                `${RULE} db-allow-mysql-from-sg-app-123 < db`,
                `${RULE} db-allow-ssh-from-bastion < db`,
                `${RULE} db-drop-baseline < db`,
                `${RULE} db-drop-mysql-from-anywhere < db`,
            ]);
            assert.deepStrictEqual(
                rule(db.children, "db-allow-mysql-from-sg-app-123"),
                accept("3307/3307", "sg-app-123", "db-id"),
            );
            assert.deepStrictEqual(
                rule(db.children, "db-allow-mysql-from-legacy-app"),
                accept("3307/3307", "sg-legacy", "db-id"),
            );
            assert.deepStrictEqual(
                rule(db.children, "db-allow-ssh-from-bastion"),
                accept("22/22", "bastion-id", "db-id"),
            );
        });

        it("builds ThreeTierGroups from a description with its admins passed by reference", async () => {
            const bastionUrn = monitor.urnOf(type("SecureGroup"), "bastion", STACK_URN);
            const shop = await construct(
                "ThreeTierGroups",
                "shop",
                {
                    vpcId: "vpc-123",
                    tags: { owner: "team-shop" },
                    app: { serves: { http: { to: ["web"], ports: ["8080"] } } },
                    data: { serves: { mysql: { to: ["app"] } } },
                    admin: { from: [ref(bastionUrn)], tiers: ["app", "data"] },
                },
                { admin: [bastionUrn] },
            );
            assert.deepStrictEqual(names(shop.children), [
                `${type("SecureGroup")} shop-app < shop`,
                `${type("SecureGroup")} shop-data < shop`,
                `${type("WebTierGroup")} shop-web < shop`,
                `${GROUP} shop-app < shop-app`,
                `${GROUP} shop-data < shop-data`,
                `${GROUP} shop-web < shop-web`,
                `${RULE} shop-app-allow-http-from-web < shop-app`,
                `${RULE} shop-app-allow-ssh-from-bastion < shop-app`,
                `${RULE} shop-app-drop-baseline < shop-app`,
                `${RULE} shop-data-allow-mysql-from-app < shop-data`,
                `${RULE} shop-data-allow-ssh-from-bastion < shop-data`,
                `${RULE} shop-data-drop-baseline < shop-data`,
                `${RULE} shop-web-allow-http-from-internet < shop-web`,
                `${RULE} shop-web-allow-https-from-internet < shop-web`,
                `${RULE} shop-web-drop-baseline < shop-web`,
            ]);
            assert.deepStrictEqual(
                rule(shop.children, "shop-app-allow-http-from-web"),
                accept("8080/8080", "shop-web-id", "shop-app-id"),
            );
            assert.deepStrictEqual(
                rule(shop.children, "shop-data-allow-mysql-from-app"),
                accept("3306/3306", "shop-app-id", "shop-data-id"),
            );
            assert.deepStrictEqual(shop.state.securityGroupIds, {
                web: "shop-web-id",
                app: "shop-app-id",
                data: "shop-data-id",
            });
        });

        it("refuses bad arguments with the SDK's property errors, naming each path, and registers nothing", async () => {
            const before = monitor.registrations.length;
            const err = await construct("WebTierGroup", "bad", {
                vpcId: "vpc-123",
                tags: { owner: "team-web" },
                publicPorts: [443, 22],
                adminAccess: { from: [output("sg-late")] },
            }).then(
                () => assert.fail("Construct succeeded"),
                (error: any) => error,
            );
            assert.deepStrictEqual(propertyErrors(err), [
                [
                    "adminAccess.from[0].key",
                    "must be set when the group id is an Output, to name its rules (got undefined); or pass the security group resource or component itself, whose name names them",
                ],
                [
                    "publicPorts[1]",
                    'opens port 22 of a service that must never face the open Internet to 0.0.0.0/0; admit it from a source group or a narrow block instead (got "22/22")',
                ],
            ]);
            assert.match(
                err.details,
                /^WebTierGroup "bad": 2 invalid arguments:\n {2}- adminAccess\.from\[0\]\.key must be set /,
            );
            assert.deepStrictEqual(
                monitor.registrations.slice(before).map((registration) => registration.name),
                [],
                "arguments known at once are refused before anything is registered",
            );
        });

        it("refuses a source it cannot find once a wrapped argument resolves, and keeps serving", async () => {
            const stranger = monitor.urnOf(type("WebTierGroup"), "elsewhere", STACK_URN);
            const err = await construct(
                "RedisGroupFromSource",
                "orphan",
                { vpcId: "vpc-123", tags: { owner: "team-web" }, sources: [ref(stranger)] },
                { sources: [stranger] },
            ).then(
                () => assert.fail("Construct succeeded"),
                (error: any) => error,
            );
            assert.deepStrictEqual(propertyErrors(err), [
                [
                    "sources[0]",
                    `must be a security group id or a component of this package built in this deployment (got "${stranger}")`,
                ],
            ]);
            assert.deepStrictEqual(
                engine.logs.filter((log) => log.severity === "error"),
                [],
                "no error besides the refusal",
            );
            const next = await construct("RedisGroupFromSource", "after", {
                vpcId: "vpc-123",
                tags: { owner: "team-web" },
                sources: ["sg-web-1"],
            });
            assert.strictEqual(next.children.length, 5, "the plugin still serves");
        });
    });

    describe("Construct, as `pulumi preview` drives it", () => {
        it("builds every child of a WebTierGroup whose VPC id is not known yet", async () => {
            const monitor = new RecordingMonitor(PROJECT, "preview", true);
            const address = await monitor.start();
            try {
                const request = new providerPb.ConstructRequest();
                request.setProject(PROJECT);
                request.setStack("preview");
                request.setDryrun(true);
                request.setMonitorendpoint(address);
                request.setType(type("WebTierGroup"));
                request.setName("web");
                request.setAcceptsOutputValues(true);
                request.setInputs(
                    structPb.Struct.fromJavaScript({
                        vpcId: output(undefined, { dependencies: ["urn:vpc"] }),
                        tags: { owner: "team-web" },
                    }),
                );
                const response = await call<any>(client, "construct", request);
                const children = monitor.descendantsOf(response.getUrn());
                assert.deepStrictEqual(children.map((child) => child.name).sort(), [
                    "web",
                    "web-allow-http-from-internet",
                    "web-allow-https-from-internet",
                    "web-drop-baseline",
                ]);
                const group = children.find((child) => child.type === GROUP) as Registration;
                assert.strictEqual(group.inputs.vpcId, rpc.unknownValue);
                assert.strictEqual(
                    children.find((child) => child.name === "web-drop-baseline")?.inputs.securityGroupId,
                    rpc.unknownValue,
                );
            } finally {
                monitor.stop();
            }
        });
    });
});
