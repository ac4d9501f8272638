/**
 * The member catalog: every `@pulumi/alicloud` resource type that joins security groups or admits their members,
 * which of its input fields name the groups, the limits Alibaba Cloud puts on them, how the member's network is
 * found, and how it is labelled. `npm run docs:members` lists every field of the installed provider that names
 * security groups (`providerFields.ts`); tests/core/memberCatalog.test.ts fails when one of them is neither
 * modelled here nor excluded in {@link EXCLUDED_FIELDS} with a reason, so a provider upgrade that adds a group
 * field is a failing test, not a silent gap.
 *
 * Paths are spelled as the provider declares the inputs: `networkInterfaces.securityGroupIds` for a nested
 * object, `networkInterfaces[].securityGroupIds` for a list of them. A value may be one id, a list of ids, or ids
 * separated by commas (Redis and RDS take `sg-1,sg-2`).
 */

/**
 * How a resource uses the groups it names.
 * - `member`: its network interfaces join the groups, so their rules govern its traffic and are pooled
 *   (ECS instances, ENIs, node pools, ECI, load balancers, managed services that place ENIs in your groups).
 * - `whitelist`: the service admits the groups' members as clients and is itself governed by its own whitelist,
 *   not by the groups' rules (Redis, RDS, MongoDB, PolarDB: "ECS instances in the security group can access
 *   the instance").
 */
export type MemberRelation = "member" | "whitelist";

/** Services whose own documented limit on the number of groups differs from the ECS ENI quota. */
export type ServiceLimitKey =
    "alb" | "nlb" | "privatelink" | "eci" | "cassandra" | "redis" | "rds" | "mongodb" | "polardb";

/**
 * How many groups one attachment may name: `eni` is the ECS quota of five groups per network interface
 * (raisable by ticket: `maxGroupsPerInstance`), `service` a service's own limit (`serviceGroupLimits`).
 */
export type GroupLimit =
    { readonly kind: "eni" } | { readonly kind: "service"; readonly service: ServiceLimitKey };

/** Default limits of {@link ServiceLimitKey}, each from the service's API reference (see {@link SERVICE_LIMIT_SOURCES}). */
export const DEFAULT_SERVICE_GROUP_LIMITS: Readonly<Record<ServiceLimitKey, number>> = {
    alb: 4,
    nlb: 4,
    privatelink: 10,
    eci: 5,
    cassandra: 3,
    redis: 10,
    rds: 10,
    mongodb: 10,
    polardb: 3,
};

/** Where each service limit is documented. */
export const SERVICE_LIMIT_SOURCES: Readonly<Record<ServiceLimitKey, string>> = {
    alb: "ALB LoadBalancerJoinSecurityGroup: each ALB instance can be added to at most four security groups",
    nlb: "NLB LoadBalancerJoinSecurityGroup: an NLB instance can be associated with up to four security groups",
    privatelink:
        "PrivateLink CreateVpcEndpoint: an endpoint ENI can be associated with up to 10 security groups",
    eci: "ECI: a pod (elastic container instance) can belong to up to five security groups of one VPC and one type",
    cassandra: "Cassandra ModifySecurityGroups: no more than three security groups per cluster",
    redis: "Tair (Redis) ModifySecurityGroupConfiguration: at most 10 security group IDs, separated by commas",
    rds: "RDS ModifySecurityGroupConfiguration: up to 10 ECS security groups per instance (older pages say three)",
    mongodb: "MongoDB ModifySecurityGroupConfiguration: up to 10 ECS security groups per instance",
    polardb: "PolarDB (provider reference): a maximum of three security groups per cluster",
};

/** One set of groups evaluated together: the groups of one network interface, or of one whitelist. */
export interface AttachmentSpec {
    /** Paths of the fields whose groups are pooled. */
    readonly fields: readonly string[];
    /**
     * A list (or object) path whose every element is its own network interface; `fields` lie under it. Groups in
     * the element and in `with` are pooled per element.
     */
    readonly per?: string;
    /** Paths outside `per` whose groups every element's interface joins too (EMR's cluster group). */
    readonly with?: readonly string[];
    /** The first field present wins and the rest are ignored (ACK: `securityGroupIds` over `securityGroupId`). */
    readonly firstPresent?: boolean;
    /** Read only when this path holds nothing (EMR's cluster group alone, when no node group pools it). */
    readonly onlyWithout?: string;
}

/** Where a resource's network (its VPC, or the classic network) is read. */
export interface NetworkSpec {
    /** Fields holding VPC ids. */
    readonly vpc?: readonly string[];
    /** Fields holding vSwitch ids: the vSwitch resource's `vpcId` decides. */
    readonly vswitch?: readonly string[];
    /** Fields naming another resource whose network this one shares (a scaling group, a load balancer). */
    readonly via?: readonly string[];
    /** A field saying `classic` or `vpc` (launch templates, NAS mount targets). */
    readonly networkType?: string;
    /**
     * Fields whose absence together means the classic network (an ECS instance with no vSwitch and no launch
     * template). Without it a resource that names no network is "can't tell": a template is completed at launch.
     */
    readonly classicWithout?: readonly string[];
}

export interface MemberType {
    /** The Pulumi type token. */
    readonly type: string;
    /** The SDK class, as a program spells it (`alicloud.cs.NodePool`). */
    readonly className: string;
    /** What the resource is, in messages, the graph and the Exposure section (`ACK node pool`). */
    readonly label: string;
    readonly relation: MemberRelation;
    readonly attachments: readonly AttachmentSpec[];
    /**
     * For an attachment resource (`alb.LoadBalancerSecurityGroupAttachment`): the field naming the resource that
     * joins the group. Every attachment resource naming the same one adds to that one's groups.
     */
    readonly memberOf?: string;
    readonly limit: GroupLimit;
    /** Whether one attachment may not mix normal and enterprise groups (an ECS ENI takes only one kind). */
    readonly oneGroupType: boolean;
    /** How its network is found; undefined for whitelists, whose groups may live in other networks. */
    readonly network?: NetworkSpec;
    /** How the Alibaba Cloud API reports the same membership, for readers of API JSON (`alicloud-sg audit`). */
    readonly api: string;
}

const ECS = "alicloud:ecs";
const ENI_LIMIT: GroupLimit = { kind: "eni" };
const service = (key: ServiceLimitKey): GroupLimit => ({ kind: "service", service: key });
const ENI_API_NOTE = "its ENIs appear in ECS DescribeNetworkInterfaces with their SecurityGroupIds";

/** An ENI-based member: its groups join its network interfaces, the ECS quota and the one-type rule apply. */
function member(
    type: string,
    className: string,
    label: string,
    attachments: readonly AttachmentSpec[],
    network: NetworkSpec,
    api: string,
    options: { limit?: GroupLimit; memberOf?: string; oneGroupType?: boolean } = {},
): MemberType {
    return {
        type,
        className,
        label,
        relation: "member",
        attachments,
        limit: options.limit ?? ENI_LIMIT,
        oneGroupType: options.oneGroupType ?? true,
        network,
        api,
        ...(options.memberOf ? { memberOf: options.memberOf } : {}),
    };
}

/** A database that admits the members of the groups it names (a whitelist by security group). */
function whitelist(
    type: string,
    className: string,
    label: string,
    fields: readonly string[],
    limit: ServiceLimitKey,
    api: string,
): MemberType {
    return {
        type,
        className,
        label,
        relation: "whitelist",
        attachments: [{ fields }],
        limit: service(limit),
        oneGroupType: false,
        api,
    };
}

const one = (...fields: string[]): AttachmentSpec[] => [{ fields }];
const VSWITCH: NetworkSpec = { vswitch: ["vswitchId"] };
const VPC_AND_VSWITCH: NetworkSpec = { vpc: ["vpcId"], vswitch: ["vswitchId"] };

/** Every modelled type. */
export const MEMBER_TYPES: readonly MemberType[] = [
    member(
        `${ECS}/instance:Instance`,
        "alicloud.ecs.Instance",
        "ECS instance",
        [
            { fields: ["securityGroups"] },
            { per: "networkInterfaces", fields: ["networkInterfaces.securityGroupIds"] },
        ],
        { vswitch: ["vswitchId"], classicWithout: ["vswitchId", "launchTemplateId", "launchTemplateName"] },
        "ECS DescribeInstances: SecurityGroupIds.SecurityGroupId[] (primary ENI), VpcAttributes.VpcId/VSwitchId; secondary ENIs through DescribeNetworkInterfaces",
    ),
    member(
        `${ECS}/ecsNetworkInterface:EcsNetworkInterface`,
        "alicloud.ecs.EcsNetworkInterface",
        "ENI",
        one("securityGroupIds", "securityGroups"),
        VSWITCH,
        "ECS DescribeNetworkInterfaces: NetworkInterfaceSet[].SecurityGroupIds.SecurityGroupId[], VpcId, VSwitchId",
    ),
    member(
        "alicloud:vpc/networkInterface:NetworkInterface",
        "alicloud.vpc.NetworkInterface",
        "ENI",
        one("securityGroupIds", "securityGroups"),
        VSWITCH,
        "ECS DescribeNetworkInterfaces: NetworkInterfaceSet[].SecurityGroupIds.SecurityGroupId[], VpcId, VSwitchId",
    ),
    member(
        `${ECS}/ecsInstanceSet:EcsInstanceSet`,
        "alicloud.ecs.EcsInstanceSet",
        "instance set",
        [
            { fields: ["securityGroupIds"] },
            { per: "networkInterfaces[]", fields: ["networkInterfaces[].securityGroupId"] },
        ],
        { vswitch: ["vswitchId"], classicWithout: ["vswitchId", "launchTemplateId"] },
        "ECS DescribeInstances of the set's instances, as for ECS instances",
    ),
    ...["ecsLaunchTemplate:EcsLaunchTemplate", "launchTemplate:LaunchTemplate"].map((token) =>
        member(
            `${ECS}/${token}`,
            `alicloud.ecs.${token.split(":")[1]}`,
            "launch template",
            [
                { fields: ["securityGroupId", "securityGroupIds"] },
                { per: "networkInterfaces", fields: ["networkInterfaces.securityGroupId"] },
            ],
            {
                vpc: ["vpcId"],
                vswitch: ["vswitchId", "networkInterfaces.vswitchId"],
                networkType: "networkType",
            },
            "ECS DescribeLaunchTemplateVersions: LaunchTemplateData.SecurityGroupId, SecurityGroupIds.SecurityGroupId[], NetworkInterfaces.NetworkInterface[].SecurityGroupId; VpcId, VSwitchId, NetworkType",
        ),
    ),
    member(
        "alicloud:ess/scalingConfiguration:ScalingConfiguration",
        "alicloud.ess.ScalingConfiguration",
        "scaling configuration",
        [
            { fields: ["securityGroupId", "securityGroupIds"] },
            { per: "networkInterfaces[]", fields: ["networkInterfaces[].securityGroupIds"] },
        ],
        { via: ["scalingGroupId"] },
        "ESS DescribeScalingConfigurations: ScalingConfigurations[].SecurityGroupId, SecurityGroupIds[], NetworkInterfaces[].SecurityGroupIds[]; the scaling group's VSwitchIds (DescribeScalingGroups)",
    ),
    member(
        "alicloud:ess/eciScalingConfiguration:EciScalingConfiguration",
        "alicloud.ess.EciScalingConfiguration",
        "ECI scaling configuration",
        one("securityGroupId"),
        { via: ["scalingGroupId"] },
        "ESS DescribeEciScalingConfigurations: ScalingConfigurations[].SecurityGroupId; the scaling group's VSwitchIds",
        { limit: service("eci") },
    ),
    member(
        "alicloud:cs/nodePool:NodePool",
        "alicloud.cs.NodePool",
        "ACK node pool",
        [{ fields: ["securityGroupIds", "securityGroupId"], firstPresent: true }],
        { vswitch: ["vswitchIds"], via: ["clusterId"] },
        "CS DescribeClusterNodePools: nodepools[].scaling_group.security_group_ids[] (security_group_id when absent), vswitch_ids[]",
    ),
    ...(
        [
            [
                "managedKubernetes:ManagedKubernetes",
                "ACK managed cluster",
                { vswitch: ["vswitchIds", "workerVswitchIds", "podVswitchIds"] },
            ],
            [
                "kubernetes:Kubernetes",
                "ACK dedicated cluster",
                { vswitch: ["masterVswitchIds", "podVswitchIds"] },
            ],
            ["edgeKubernetes:EdgeKubernetes", "ACK Edge cluster", { vswitch: ["workerVswitchIds"] }],
            [
                "serverlessKubernetes:ServerlessKubernetes",
                "ACK Serverless cluster",
                { vpc: ["vpcId"], vswitch: ["vswitchIds"] },
            ],
        ] as const
    ).map(([token, label, network]) =>
        member(
            `alicloud:cs/${token}`,
            `alicloud.cs.${token.split(":")[1]}`,
            label,
            one("securityGroupId"),
            network,
            "CS DescribeClusterDetail: security_group_id, vpc_id, vswitch_ids; the control plane's and nodes' ENIs in DescribeNetworkInterfaces",
        ),
    ),
    member(
        "alicloud:ackone/cluster:Cluster",
        "alicloud.ackone.Cluster",
        "ACK One fleet",
        one("network.securityGroupIds"),
        { vpc: ["network.vpcId"], vswitch: ["network.vswitches"] },
        `ACK One DescribeHubClusterDetails: Cluster.Network.SecurityGroupIDs[], VpcId, VSwitches[]; ${ENI_API_NOTE}`,
    ),
    member(
        "alicloud:eci/containerGroup:ContainerGroup",
        "alicloud.eci.ContainerGroup",
        "ECI container group",
        one("securityGroupId"),
        VSWITCH,
        "ECI DescribeContainerGroups: ContainerGroups[].SecurityGroupId, VpcId, VSwitchId",
        { limit: service("eci") },
    ),
    member(
        "alicloud:eci/virtualNode:VirtualNode",
        "alicloud.eci.VirtualNode",
        "ECI virtual node",
        one("securityGroupId"),
        VSWITCH,
        "ECI DescribeVirtualNodes: VirtualNodes[].SecurityGroupId, VSwitchId; its pods in DescribeContainerGroups",
        { limit: service("eci") },
    ),
    ...["imageCache:ImageCache", "openApiImageCache:OpenApiImageCache"].map((token) =>
        member(
            `alicloud:eci/${token}`,
            `alicloud.eci.${token.split(":")[1]}`,
            "ECI image cache",
            one("securityGroupId"),
            VSWITCH,
            "ECI DescribeImageCaches (the temporary container group that pulls the image joins the group)",
            { limit: service("eci") },
        ),
    ),
    member(
        "alicloud:alb/loadBalancerSecurityGroupAttachment:LoadBalancerSecurityGroupAttachment",
        "alicloud.alb.LoadBalancerSecurityGroupAttachment",
        "ALB",
        one("securityGroupId"),
        { via: ["loadBalancerId"] },
        "ALB GetLoadBalancerAttribute: SecurityGroupIds[], VpcId",
        { limit: service("alb"), memberOf: "loadBalancerId" },
    ),
    member(
        "alicloud:nlb/loadBalancer:LoadBalancer",
        "alicloud.nlb.LoadBalancer",
        "NLB",
        one("securityGroupIds"),
        { vpc: ["vpcId"] },
        "NLB GetLoadBalancerAttribute: SecurityGroupIds[], VpcId",
        { limit: service("nlb") },
    ),
    member(
        "alicloud:nlb/loadBalancerSecurityGroupAttachment:LoadBalancerSecurityGroupAttachment",
        "alicloud.nlb.LoadBalancerSecurityGroupAttachment",
        "NLB",
        one("securityGroupId"),
        { via: ["loadBalancerId"] },
        "NLB GetLoadBalancerAttribute: SecurityGroupIds[], VpcId",
        { limit: service("nlb"), memberOf: "loadBalancerId" },
    ),
    member(
        "alicloud:privatelink/vpcEndpoint:VpcEndpoint",
        "alicloud.privatelink.VpcEndpoint",
        "PrivateLink endpoint",
        one("securityGroupIds"),
        { vpc: ["vpcId"] },
        "PrivateLink ListVpcEndpointSecurityGroups: SecurityGroups[].SecurityGroupId; ListVpcEndpoints: VpcId",
        { limit: service("privatelink") },
    ),
    member(
        "alicloud:alikafka/instance:Instance",
        "alicloud.alikafka.Instance",
        "Kafka instance",
        one("securityGroup"),
        { vpc: ["vpcId"], vswitch: ["vswitchId", "vswitchIds"] },
        `Kafka GetInstanceList: InstanceVO[].SecurityGroup, VpcId, VSwitchId; ${ENI_API_NOTE}`,
    ),
    member(
        "alicloud:amqp/instance:Instance",
        "alicloud.amqp.Instance",
        "RabbitMQ instance",
        one("securityGroupId"),
        { vpc: ["vpcId"], vswitch: ["vswitchIds"] },
        `AMQP GetInstance: SecurityGroupId; ${ENI_API_NOTE}`,
    ),
    member(
        "alicloud:apigateway/instance:Instance",
        "alicloud.apigateway.Instance",
        "API Gateway instance",
        [{ per: "zoneVswitchSecurityGroups[]", fields: ["zoneVswitchSecurityGroups[].securityGroup"] }],
        { vswitch: ["zoneVswitchSecurityGroups[].vswitchId"] },
        `API Gateway DescribeInstances: InstanceAttribute[].ZoneVSwitchSecurityGroup[].SecurityGroupId, VswitchId; ${ENI_API_NOTE}`,
    ),
    member(
        "alicloud:arms/prometheus:Prometheus",
        "alicloud.arms.Prometheus",
        "Prometheus instance",
        one("securityGroupId"),
        VPC_AND_VSWITCH,
        `ARMS GetPrometheusInstance: SecurityGroupId, VpcId, VSwitchId; ${ENI_API_NOTE}`,
    ),
    ...[
        ["alicloud:bastionhost/instance:Instance", "alicloud.bastionhost.Instance"],
        ["alicloud:yundun/bastionHostInstance:BastionHostInstance", "alicloud.yundun.BastionHostInstance"],
    ].map(([type, className]) =>
        member(
            type,
            className,
            "Bastionhost",
            one("securityGroupIds"),
            { vswitch: ["vswitchId", "slaveVswitchId"] },
            `Bastionhost DescribeInstanceAttribute: InstanceAttribute.AuthorizedSecurityGroups[], VpcId, VswitchId; ${ENI_API_NOTE}`,
        ),
    ),
    member(
        "alicloud:cassandra/cluster:Cluster",
        "alicloud.cassandra.Cluster",
        "Cassandra cluster",
        one("securityGroups"),
        VSWITCH,
        "Cassandra DescribeSecurityGroups: SecurityGroupIds[]",
        { limit: service("cassandra") },
    ),
    member(
        "alicloud:cddc/dedicatedPropreHost:DedicatedPropreHost",
        "alicloud.cddc.DedicatedPropreHost",
        "dedicated database host",
        one("securityGroupId"),
        VPC_AND_VSWITCH,
        `CDDC DescribeDedicatedHosts: SecurityGroupId, VPCId, VSwitchId; ${ENI_API_NOTE}`,
    ),
    member(
        "alicloud:dms/airflow:Airflow",
        "alicloud.dms.Airflow",
        "DMS Airflow",
        one("securityGroupId"),
        VPC_AND_VSWITCH,
        `DMS GetAirflow: SecurityGroupId, VpcId, VSwitchId; ${ENI_API_NOTE}`,
    ),
    member(
        "alicloud:eais/instance:Instance",
        "alicloud.eais.Instance",
        "EAIS instance",
        one("securityGroupId"),
        VSWITCH,
        `EAIS DescribeEais: SecurityGroupId, VSwitchId; ${ENI_API_NOTE}`,
    ),
    member(
        "alicloud:ecp/instance:Instance",
        "alicloud.ecp.Instance",
        "cloud phone",
        one("securityGroupId"),
        VSWITCH,
        `Cloud Phone ListInstances: SecurityGroupId, VSwitchId; ${ENI_API_NOTE}`,
    ),
    member(
        "alicloud:eflo/cluster:Cluster",
        "alicloud.eflo.Cluster",
        "Lingjun cluster",
        one("networks.securityGroupId"),
        { vpc: ["networks.vpcId"], vswitch: ["networks.vswitchId"] },
        `EFLO DescribeCluster: Networks.SecurityGroupId, VpcId, VSwitchId; ${ENI_API_NOTE}`,
    ),
    member(
        "alicloud:ehpc/cluster:Cluster",
        "alicloud.ehpc.Cluster",
        "E-HPC cluster",
        one("securityGroupId"),
        VPC_AND_VSWITCH,
        "E-HPC DescribeCluster: ClusterInfo.SecurityGroupId, VpcId, VSwitchId",
    ),
    member(
        "alicloud:ehpc/clusterV2:ClusterV2",
        "alicloud.ehpc.ClusterV2",
        "E-HPC cluster",
        one("securityGroupId"),
        { vpc: ["clusterVpcId"], vswitch: ["clusterVswitchId"] },
        "E-HPC GetCluster: SecurityGroupId, ClusterVpcId, ClusterVSwitchId",
    ),
    member(
        "alicloud:elasticsearch/instance:Instance",
        "alicloud.elasticsearch.Instance",
        "Elasticsearch Kibana private network",
        one("kibanaPrivateSecurityGroupId"),
        VSWITCH,
        "Elasticsearch DescribeInstance: Result.KibanaPrivateSecurityGroupId, NetworkConfig.VpcId/VswitchId",
    ),
    member(
        "alicloud:emr/cluster:Cluster",
        "alicloud.emr.Cluster",
        "EMR cluster",
        one("securityGroupId"),
        VSWITCH,
        "EMR DescribeCluster: SecurityGroupId, VpcId, VSwitchId; the nodes are ECS instances",
    ),
    member(
        "alicloud:emrv2/cluster:Cluster",
        "alicloud.emrv2.Cluster",
        "EMR cluster",
        [
            {
                per: "nodeGroups[]",
                fields: ["nodeGroups[].additionalSecurityGroupIds"],
                with: ["nodeAttributes[].securityGroupId"],
            },
            { fields: ["nodeAttributes[].securityGroupId"], onlyWithout: "nodeGroups" },
        ],
        { vpc: ["nodeAttributes[].vpcId"], vswitch: ["nodeGroups[].vswitchIds"] },
        "EMR GetCluster: NodeAttributes.SecurityGroupId, VpcId; ListNodeGroups: AdditionalSecurityGroupIds[], VSwitchIds[]",
    ),
    member(
        "alicloud:eventbridge/connection:Connection",
        "alicloud.eventbridge.Connection",
        "EventBridge connection",
        one("networkParameters.securityGroupId"),
        { vpc: ["networkParameters.vpcId"], vswitch: ["networkParameters.vswitcheId"] },
        `EventBridge GetConnection: NetworkParameters.SecurityGroupId, VpcId, VswitcheId; ${ENI_API_NOTE}`,
    ),
    member(
        "alicloud:eventbridge/eventSourceV2:EventSourceV2",
        "alicloud.eventbridge.EventSourceV2",
        "EventBridge event source",
        [
            { fields: ["sourceKafkaParameters.securityGroupId"] },
            { fields: ["sourceRocketmqParameters.instanceSecurityGroupId"] },
        ],
        {
            vpc: ["sourceKafkaParameters.vpcId", "sourceRocketmqParameters.instanceVpcId"],
            vswitch: ["sourceKafkaParameters.vswitchIds", "sourceRocketmqParameters.instanceVswitchIds"],
        },
        `EventBridge GetEventSource: SourceKafkaParameters.SecurityGroupId, SourceRocketMQParameters.InstanceSecurityGroupId; ${ENI_API_NOTE}`,
    ),
    member(
        "alicloud:fc/service:Service",
        "alicloud.fc.Service",
        "Function Compute service",
        one("vpcConfig.securityGroupId"),
        { vpc: ["vpcConfig.vpcId"], vswitch: ["vpcConfig.vswitchIds"] },
        `FC GetService: vpcConfig.securityGroupId, vpcId, vSwitchIds; ${ENI_API_NOTE}`,
    ),
    member(
        "alicloud:fc/v3Function:V3Function",
        "alicloud.fc.V3Function",
        "Function Compute function",
        [
            { fields: ["vpcConfig.securityGroupId"] },
            { fields: ["customContainerConfig.registryConfig.networkConfig.securityGroupId"] },
        ],
        {
            vpc: ["vpcConfig.vpcId", "customContainerConfig.registryConfig.networkConfig.vpcId"],
            vswitch: ["vpcConfig.vswitchIds", "customContainerConfig.registryConfig.networkConfig.vswitchId"],
        },
        `FC 3.0 GetFunction: vpcConfig.securityGroupId, customContainerConfig.registryConfig.networkConfig.securityGroupId; ${ENI_API_NOTE}`,
    ),
    member(
        "alicloud:hbase/instance:Instance",
        "alicloud.hbase.Instance",
        "HBase cluster",
        one("securityGroups"),
        VPC_AND_VSWITCH,
        "HBase DescribeSecurityGroups: SecurityGroupIds.SecurityGroupId[]",
    ),
    member(
        "alicloud:nas/mountTarget:MountTarget",
        "alicloud.nas.MountTarget",
        "NAS mount target",
        one("securityGroupId"),
        { vpc: ["vpcId"], vswitch: ["vswitchId"], networkType: "networkType" },
        "NAS DescribeMountTargets: MountTargets[].SecurityGroupId?, VpcId, VswId",
    ),
    member(
        "alicloud:polardb/aicluster:Aicluster",
        "alicloud.polardb.Aicluster",
        "PolarDB AI cluster",
        one("securityGroupId"),
        VPC_AND_VSWITCH,
        `PolarDB DescribeAICDBClusterAttribute: SecurityGroupId, VpcId, VSwitchId; ${ENI_API_NOTE}`,
    ),
    member(
        "alicloud:polardb/gateway:Gateway",
        "alicloud.polardb.Gateway",
        "PolarDB gateway",
        one("securityGroupId"),
        VPC_AND_VSWITCH,
        `PolarDB gateway: SecurityGroupId, VpcId, VSwitchId; ${ENI_API_NOTE}`,
    ),
    member(
        "alicloud:pvtz/endpoint:Endpoint",
        "alicloud.pvtz.Endpoint",
        "PrivateZone resolver endpoint",
        one("securityGroupId"),
        { vpc: ["vpcId"], vswitch: ["ipConfigs[].vswitchId"] },
        "PrivateZone DescribeResolverEndpoint: SecurityGroupId, VpcId, IpConfigs[].VSwitchId",
    ),
    member(
        "alicloud:rds/custom:Custom",
        "alicloud.rds.Custom",
        "RDS Custom instance",
        one("securityGroupIds"),
        VSWITCH,
        "RDS DescribeRCInstanceAttribute: SecurityGroupIds.SecurityGroupId[], VpcAttributes (an ECS-like host)",
    ),
    member(
        "alicloud:rocketmq/rocketMQInstance:RocketMQInstance",
        "alicloud.rocketmq.RocketMQInstance",
        "RocketMQ instance",
        one("networkInfo.vpcInfo.securityGroupIds"),
        { vpc: ["networkInfo.vpcInfo.vpcId"], vswitch: ["networkInfo.vpcInfo.vswitchId"] },
        `RocketMQ 5.x GetInstance: networkInfo.vpcInfo.securityGroupIds (comma separated), vpcId, vSwitchId; ${ENI_API_NOTE}`,
    ),
    member(
        "alicloud:sae/application:Application",
        "alicloud.sae.Application",
        "SAE application",
        one("securityGroupId"),
        VPC_AND_VSWITCH,
        "SAE DescribeApplicationConfig: SecurityGroupId, VpcId, VSwitchId",
    ),
    member(
        "alicloud:servicemesh/serviceMesh:ServiceMesh",
        "alicloud.servicemesh.ServiceMesh",
        "Service Mesh",
        one("network.securityGroupId"),
        { vpc: ["network.vpcId"], vswitch: ["network.vswitcheList"] },
        `ASM DescribeServiceMeshDetail: ServiceMesh.Spec.Network.SecurityGroupId, VpcId, VSwitches[]; ${ENI_API_NOTE}`,
    ),
    whitelist(
        "alicloud:kvstore/instance:Instance",
        "alicloud.kvstore.Instance",
        "Redis instance",
        ["securityGroupId"],
        "redis",
        "R-KVStore DescribeSecurityGroupConfiguration: Items.EcsSecurityGroupRelation[].SecurityGroupId",
    ),
    whitelist(
        "alicloud:redis/tairInstance:TairInstance",
        "alicloud.redis.TairInstance",
        "Tair instance",
        ["securityGroupId"],
        "redis",
        "R-KVStore DescribeSecurityGroupConfiguration: Items.EcsSecurityGroupRelation[].SecurityGroupId",
    ),
    whitelist(
        "alicloud:rds/instance:Instance",
        "alicloud.rds.Instance",
        "RDS instance",
        ["securityGroupIds", "securityGroupId"],
        "rds",
        "RDS DescribeSecurityGroupConfiguration: Items.EcsSecurityGroupRelation[].SecurityGroupId",
    ),
    whitelist(
        "alicloud:rds/ddrInstance:DdrInstance",
        "alicloud.rds.DdrInstance",
        "RDS instance",
        ["securityGroupIds"],
        "rds",
        "RDS DescribeSecurityGroupConfiguration: Items.EcsSecurityGroupRelation[].SecurityGroupId",
    ),
    ...[
        ["alicloud:mongodb/instance:Instance", "alicloud.mongodb.Instance", "MongoDB instance"],
        [
            "alicloud:mongodb/shardingInstance:ShardingInstance",
            "alicloud.mongodb.ShardingInstance",
            "MongoDB sharded cluster",
        ],
    ].map(([type, className, label]) =>
        whitelist(
            type,
            className,
            label,
            ["securityGroupId"],
            "mongodb",
            "DDS DescribeSecurityGroupConfiguration: Items.RdsEcsSecurityGroupRel[].SecurityGroupId",
        ),
    ),
    whitelist(
        "alicloud:polardb/cluster:Cluster",
        "alicloud.polardb.Cluster",
        "PolarDB cluster",
        ["securityGroupIds"],
        "polardb",
        "PolarDB DescribeDBClusterAccessWhitelist: DBClusterSecurityGroups.DBClusterSecurityGroup[].SecurityGroupId",
    ),
];

/** A provider field that names security groups but is no membership, and why. */
export interface ExcludedField {
    readonly type: string;
    readonly path: string;
    readonly reason: string;
}

const RULE_GROUP =
    "a rule's own group: the rule belongs to that group's rule set (joined as a rule, not as a member)";
const RULE_SOURCE =
    "a rule's peer: the rule admits that group's members; joined as a source-group reference, not a membership";
const ENTERPRISE_FLAG =
    "a flag asking the service to create a group of its own (enterprise or basic); it names no group";
const GLOBAL_WHITELIST =
    "ids of global IP whitelist templates (CreateGlobalSecurityIPGroup), not ECS security groups";
const GROUP_ATTRIBUTE = "an attribute of the group itself, not a reference to one";

/** Every provider field that names security groups and is deliberately not modelled as a membership. */
export const EXCLUDED_FIELDS: readonly ExcludedField[] = [
    { type: `${ECS}/securityGroup:SecurityGroup`, path: "securityGroupName", reason: GROUP_ATTRIBUTE },
    { type: `${ECS}/securityGroup:SecurityGroup`, path: "securityGroupType", reason: GROUP_ATTRIBUTE },
    { type: `${ECS}/securityGroupRule:SecurityGroupRule`, path: "securityGroupId", reason: RULE_GROUP },
    {
        type: `${ECS}/securityGroupRule:SecurityGroupRule`,
        path: "sourceSecurityGroupId",
        reason: RULE_SOURCE,
    },
    ...["managedKubernetes:ManagedKubernetes", "kubernetes:Kubernetes", "edgeKubernetes:EdgeKubernetes"].map(
        (token) => ({
            type: `alicloud:cs/${token}`,
            path: "isEnterpriseSecurityGroup",
            reason: ENTERPRISE_FLAG,
        }),
    ),
    { type: "alicloud:ehpc/clusterV2:ClusterV2", path: "isEnterpriseSecurityGroup", reason: ENTERPRISE_FLAG },
    { type: "alicloud:mse/gateway:Gateway", path: "enterpriseSecurityGroup", reason: ENTERPRISE_FLAG },
    {
        type: "alicloud:ehpc/cluster:Cluster",
        path: "securityGroupName",
        reason: "the name of a group E-HPC creates when securityGroupId is absent; it names no existing group",
    },
    {
        type: "alicloud:ens/instanceSecurityGroupAttachment:InstanceSecurityGroupAttachment",
        path: "securityGroupId",
        reason: "an ENS (Edge Node Service) security group (alicloud.ens.SecurityGroup), a product apart from ECS security groups",
    },
    {
        type: "alicloud:ens/securityGroup:SecurityGroup",
        path: "securityGroupName",
        reason: "the name of an ENS security group, a product apart from ECS security groups",
    },
    {
        type: "alicloud:mongodb/instance:Instance",
        path: "globalSecurityGroupLists",
        reason: GLOBAL_WHITELIST,
    },
    {
        type: "alicloud:mongodb/shardingInstance:ShardingInstance",
        path: "globalSecurityGroupLists",
        reason: GLOBAL_WHITELIST,
    },
    { type: "alicloud:polardb/cluster:Cluster", path: "globalSecurityGroupLists", reason: GLOBAL_WHITELIST },
    {
        type: "alicloud:threatdetection/honeypotNode:HoneypotNode",
        path: "securityGroupProbeIpLists",
        reason: "CIDR blocks the honeypot probes, not security group ids",
    },
];

/**
 * Resources that are not members but carry the network of one (a vSwitch's VPC, a scaling group's vSwitches, a
 * load balancer's VPC): {@link NetworkSpec.via} and vSwitch fields lead to them.
 */
export const NETWORK_CARRIERS: Readonly<Record<string, NetworkSpec>> = {
    "alicloud:vpc/switch:Switch": { vpc: ["vpcId"] },
    "alicloud:ess/scalingGroup:ScalingGroup": {
        vswitch: ["vswitchId", "vswitchIds"],
        // A scaling group with a launch template may take its network from the template: not assumed classic.
        classicWithout: ["vswitchId", "vswitchIds", "launchTemplateId"],
    },
    "alicloud:alb/loadBalancer:LoadBalancer": { vpc: ["vpcId"] },
};

/** The type token of a VPC. */
export const VPC_TYPE = "alicloud:vpc/network:Network";
/** The type token of a vSwitch. */
export const VSWITCH_TYPE = "alicloud:vpc/switch:Switch";

const BY_TYPE = new Map(MEMBER_TYPES.map((entry) => [entry.type, entry]));

/** The catalog entry of a type token, or undefined for a type that names no group. */
export function memberTypeOf(type: string): MemberType | undefined {
    return typeof type === "string" ? BY_TYPE.get(type) : undefined;
}

/** The group-id paths of every modelled type, by type token (what `core/read` exported before the catalog). */
export const MEMBER_GROUP_FIELDS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
    MEMBER_TYPES.map((entry) => [entry.type, modelledPaths(entry)]),
);

/** Every group-id path a catalog entry reads. */
export function modelledPaths(entry: MemberType): string[] {
    return [...new Set(entry.attachments.flatMap((spec) => [...spec.fields, ...(spec.with ?? [])]))];
}

/** `ACK node pool pool-a`; an ECS instance is its name alone, as the graph has always drawn it. */
export function memberDisplayName(type: string, name: string): string {
    const entry = memberTypeOf(type);
    return !entry || entry.type === `${ECS}/instance:Instance` ? name : `${entry.label} ${name}`;
}
