import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { grpcStatus } from './grpc-status.ts';

describe('grpcStatus', () => {
  it('has the same name and number for every status grpc-js knows', () => {
    const fromGrpcJs = Object.fromEntries(Object.entries(status).filter(([name]) => Number.isNaN(Number(name))));
    expect(grpcStatus).toEqual(fromGrpcJs);
  });
});
