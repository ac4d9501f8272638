import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { completeGroupComponent } from "./buildGroup";
import { planWhenKnown } from "./portable";
import { planServiceGroup, SERVICE_GROUP_SHAPE, ServiceGroupCommonArgs } from "./serviceGroupFromSource";
import { SecurityGroupType } from "./sources";

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
export class RedisGroupFromSource extends pulumi.ComponentResource {
    /** The group this component created. */
    public readonly securityGroup?: alicloud.ecs.SecurityGroup;
    /** The group's id. */
    public readonly securityGroupId!: pulumi.Output<string>;
    /** Always `normal`: the group names source groups, which enterprise groups cannot. */
    public readonly securityGroupType!: SecurityGroupType;
    /** Every rule resource, keyed by its logical name (`cache-allow-redis-from-web`). */
    public readonly rules!: Readonly<Record<string, alicloud.ecs.SecurityGroupRule>>;

    /**
     * @param name The component's name; every child's logical name starts with it.
     * @param args The groups that may reach Redis.
     * @param opts Resource options.
     */
    constructor(name: string, args: RedisGroupFromSourceArgs, opts?: pulumi.ComponentResourceOptions) {
        const context = `RedisGroupFromSource "${name}"`;
        const plan = planWhenKnown(context, TYPE, args, SERVICE_GROUP_SHAPE, (known) => {
            const { port, ...common } = known ?? ({} as RedisGroupFromSourceArgs);
            return planServiceGroup(name, common, "redis", { value: port, path: "port" }, context);
        });
        super(TYPE, name, {}, opts);
        completeGroupComponent(this, name, plan, "normal", (outputs) => this.registerOutputs(outputs));
    }
}
