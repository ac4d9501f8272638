import type * as grpcTypes from "@grpc/grpc-js";
import { loadSdk } from "./sdk";

export interface EngineLog {
    readonly severity: string;
    readonly message: string;
    readonly urn: string | null;
}

/**
 * The engine's own gRPC service, which a policy pack may call back (`Log` from `pulumi.log` in a policy).
 * The pack is given this server's address exactly as the CLI gives its engine address.
 */
export class EngineServer {
    readonly logs: EngineLog[] = [];
    private server: grpcTypes.Server | undefined;
    private address: string | undefined;

    async start(): Promise<string> {
        const { grpc, engineGrpc, enginePb, empty } = loadSdk();
        const server = new grpc.Server();
        const severities = ["debug", "info", "warning", "error"];
        const unimplemented =
            (name: string) => (_call: unknown, callback: grpcTypes.sendUnaryData<unknown>) =>
                callback({
                    code: grpc.status.UNIMPLEMENTED,
                    details: `${name} is not available in the offline gate`,
                });
        server.addService(engineGrpc.EngineService, {
            log: (
                call: grpcTypes.ServerUnaryCall<InstanceType<typeof enginePb.LogRequest>, unknown>,
                callback: grpcTypes.sendUnaryData<unknown>,
            ) => {
                const req = call.request;
                this.logs.push({
                    severity: severities[req.getSeverity()] ?? String(req.getSeverity()),
                    message: req.getMessage(),
                    urn: req.getUrn() || null,
                });
                callback(null, new empty.Empty());
            },
            // No root Stack resource exists under mocks; answering with an empty URN is what the engine does
            // before one is registered.
            getRootResource: (_call: unknown, callback: grpcTypes.sendUnaryData<unknown>) => {
                const response = new enginePb.GetRootResourceResponse();
                response.setUrn("");
                callback(null, response);
            },
            setRootResource: (_call: unknown, callback: grpcTypes.sendUnaryData<unknown>) =>
                callback(null, new enginePb.SetRootResourceResponse()),
            startDebugging: unimplemented("StartDebugging"),
            requirePulumiVersion: (_call: unknown, callback: grpcTypes.sendUnaryData<unknown>) =>
                callback(null, new enginePb.RequirePulumiVersionResponse()),
        });
        const port = await new Promise<number>((resolve, reject) =>
            server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, boundPort) =>
                err ? reject(err) : resolve(boundPort),
            ),
        );
        this.server = server;
        this.address = `127.0.0.1:${port}`;
        return this.address;
    }

    stop(): void {
        this.server?.forceShutdown();
        this.server = undefined;
    }
}
