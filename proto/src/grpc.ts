import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from './gen/agent_service.ts';
import { descriptor } from './gen/descriptor.ts';

let loaded: ProtoGrpcType | undefined;

/** The gRPC package definition for `mamori.v1`, loaded with the same options the generated types assume. */
export function loadAgentServiceProto(): ProtoGrpcType {
  if (!loaded) {
    const definition = protoLoader.fromJSON(descriptor, {
      longs: Number,
      enums: String,
      defaults: true,
      oneofs: true,
    });
    loaded = grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
  }
  return loaded;
}

/** Largest message either side accepts; a batch bigger than this is refused before decoding. */
export const maxMessageBytes = 8 * 1024 * 1024;
