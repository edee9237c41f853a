import * as assert from 'node:assert/strict';
import { describeUsers, interfaceOwner, isKnownUnused } from '../../src/domain/usage';

describe('group usage model', () => {
  it('names users by type, network interfaces by the service that owns them', () => {
    const text = describeUsers([
      { kind: 'networkInterface', interfaceId: 'eni-1', interfaceType: 'lambda', description: 'AWS Lambda VPC ENI-fn' },
      { kind: 'networkInterface', interfaceId: 'eni-2', interfaceType: 'interface', description: 'AWS Lambda VPC ENI-fn' },
      { kind: 'networkInterface', interfaceId: 'eni-3', interfaceType: 'interface', description: 'ELB app/web/123' },
      { kind: 'ec2Instance', instanceId: 'i-1' },
    ]);
    assert.equal(text, '2 network interfaces of AWS Lambda, 1 network interface of load balancer, 1 EC2 instance');
  });

  it('is never unused when a read failed', () => {
    assert.equal(isKnownUnused({ groupId: 'sg-1', users: [], unknown: ['networkInterfaces'] }), false);
    assert.equal(isKnownUnused({ groupId: 'sg-1', users: [], unknown: [] }), true);
    assert.equal(interfaceOwner('vpc_endpoint'), 'VPC endpoint');
  });
});
