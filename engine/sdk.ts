/**
 * The gRPC stubs, `@grpc/grpc-js` and `google-protobuf` exactly as `@pulumi/pulumi` resolves them. The stubs
 * check `instanceof` against their own `google-protobuf` copy (and `@pulumi/policy` may bundle another), so
 * every message is built from the copies resolved from the SDK's own location.
 */
import { createRequire } from "module";
import * as path from "path";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as analyzerPbTypes from "@pulumi/pulumi/proto/analyzer_pb";
import type * as analyzerGrpcTypes from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import type * as enginePbTypes from "@pulumi/pulumi/proto/engine_pb";
import type * as engineGrpcTypes from "@pulumi/pulumi/proto/engine_grpc_pb";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import type * as emptyTypes from "google-protobuf/google/protobuf/empty_pb";
import type * as jspbTypes from "google-protobuf";

/** Directory of the `@pulumi/pulumi` package that `fromDir` resolves (the gate's own by default). */
export function pulumiSdkDir(fromDir: string = __dirname): string {
    const paths = [fromDir, __dirname];
    return path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths }));
}

export interface Sdk {
    readonly dir: string;
    readonly grpc: typeof grpcTypes;
    readonly analyzerPb: typeof analyzerPbTypes;
    readonly analyzerGrpc: typeof analyzerGrpcTypes;
    readonly enginePb: typeof enginePbTypes;
    readonly engineGrpc: typeof engineGrpcTypes;
    readonly struct: typeof structTypes;
    readonly empty: typeof emptyTypes;
    readonly jspb: typeof jspbTypes;
}

let cached: Sdk | undefined;

export function loadSdk(): Sdk {
    if (cached) {
        return cached;
    }
    const dir = pulumiSdkDir();
    const sdkRequire = createRequire(path.join(dir, "package.json"));
    cached = {
        dir,
        grpc: sdkRequire("@grpc/grpc-js"),
        analyzerPb: sdkRequire("./proto/analyzer_pb"),
        analyzerGrpc: sdkRequire("./proto/analyzer_grpc_pb"),
        enginePb: sdkRequire("./proto/engine_pb"),
        engineGrpc: sdkRequire("./proto/engine_grpc_pb"),
        struct: sdkRequire("google-protobuf/google/protobuf/struct_pb"),
        empty: sdkRequire("google-protobuf/google/protobuf/empty_pb"),
        jspb: sdkRequire("google-protobuf"),
    };
    return cached;
}
