import * as pulumi from "@pulumi/pulumi";
import { SecurityGroupComponent } from "./groupComponent";
import { planServiceGroup, ServiceGroupCommonArgs } from "./serviceGroupFromSource";

export interface RedisGroupFromSourceArgs extends ServiceGroupCommonArgs {
    /** The Redis port. Defaults to `6379`. */
    readonly port?: number;
}

const TYPE = "alicloud-secure-groups:index:RedisGroupFromSource";

/**
 * A Redis group that admits only named source groups: {@link ServiceGroupFromSource} for the `redis` preset.
 *
 * ```ts
 * const cache = new RedisGroupFromSource("cache", {
 *     vpcId: vpc.id,
 *     tags: { owner: "team-web" },
 *     sources: [web],
 * });
 * ```
 */
export class RedisGroupFromSource extends SecurityGroupComponent {
    /**
     * @param name The component's name; every child's logical name starts with it.
     * @param args The groups that may reach Redis.
     * @param opts Resource options.
     */
    constructor(name: string, args: RedisGroupFromSourceArgs, opts?: pulumi.ComponentResourceOptions) {
        const { port, ...common } = args ?? ({} as RedisGroupFromSourceArgs);
        super(
            TYPE,
            name,
            planServiceGroup(
                name,
                common,
                "redis",
                { value: port, field: "port" },
                `RedisGroupFromSource "${name}"`,
            ),
            opts,
        );
    }
}
