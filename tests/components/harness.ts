import * as pulumi from "@pulumi/pulumi";

/** One registration the mock monitor saw. */
export interface Registered {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    /** The parent's URN, or "" for a root resource. */
    readonly parent: string;
    readonly inputs: Record<string, unknown>;
    /** The names (structured aliases) or URNs the resource also answers to. */
    readonly aliases: readonly string[];
}

const registered: Registered[] = [];
let pending = 0;

/**
 * Installs mocks that record every registration with its parent, which `Mocks.newResource` alone does not
 * report. Ids are `<name>-id` and outputs echo inputs, so a rule naming a group shows which group it is.
 */
export async function installMocks(): Promise<void> {
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => ({ id: args.custom ? `${args.name}-id` : undefined, state: args.inputs }),
            call: (args) => args.inputs,
        },
        "project",
        "stack",
        false,
    );
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource(
            req: RegisterRequest,
            callback: (err: unknown, response: RegisterResponse) => void,
        ): void;
    };
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
        pending++;
        original(req, (err, response) => {
            pending--;
            if (!err) {
                registered.push({
                    type: req.getType(),
                    name: req.getName(),
                    urn: response.getUrn(),
                    parent: req.getParent(),
                    inputs: req.getObject()?.toJavaScript() ?? {},
                    aliases: [
                        ...req
                            .getAliasesList()
                            .map((alias) => (alias.hasSpec() ? alias.getSpec().getName() : alias.getUrn())),
                        ...req.getAliasurnsList(),
                    ],
                });
            }
            callback(err, response);
        });
    };
}

interface RegisterRequest {
    getAliasesList(): { hasSpec(): boolean; getSpec(): { getName(): string }; getUrn(): string }[];
    getAliasurnsList(): string[];
    getType(): string;
    getName(): string;
    getParent(): string;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface RegisterResponse {
    getUrn(): string;
}

/** Forgets what was recorded (call before each test). */
export function resetRegistrations(): void {
    registered.length = 0;
}

/** Waits until every registration issued so far has been answered, then returns them all. */
export async function settle(): Promise<Registered[]> {
    // Registrations are issued after their inputs resolve, a few turns of the event loop after construction.
    for (let quiet = 0; quiet < 20;) {
        await new Promise((resolve) => setImmediate(resolve));
        quiet = pending === 0 ? quiet + 1 : 0;
    }
    return [...registered];
}

/** `type name` lines, sorted: the exact set of resources, easy to compare and to read in a failure. */
export function resourceSet(resources: readonly Registered[]): string[] {
    return resources.map((r) => `${r.type} ${r.name}`).sort();
}

/** The registration of the resource with this logical name and type. */
export function find(resources: readonly Registered[], type: string, name: string): Registered {
    const found = resources.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) {
        throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
    }
    return found[0];
}

export const GROUP = "alicloud:ecs/securityGroup:SecurityGroup";
export const RULE = "alicloud:ecs/securityGroupRule:SecurityGroupRule";

/** The security-relevant inputs of a rule, with unset fields left out. */
export function ruleView(resource: Registered): Record<string, unknown> {
    const keys = [
        "type",
        "ipProtocol",
        "portRange",
        "policy",
        "priority",
        "nicType",
        "cidrIp",
        "ipv6CidrIp",
        "sourceSecurityGroupId",
        "sourceGroupOwnerId",
        "prefixListId",
        "securityGroupId",
    ];
    const view: Record<string, unknown> = {};
    for (const key of keys) {
        if (resource.inputs[key] !== undefined) {
            view[key] = resource.inputs[key];
        }
    }
    return view;
}
