// The first calls of a fresh extension host run code that has never run: the SDK's middleware stack,
// its endpoint rules, SigV4 signing, the answer readers (fastXml.ts). Measured in Node 20 against the
// bench's replay server at 0 ms a call: a process's first DescribeVpcs takes ~100 ms, ~27 ms once
// that code is warm, and a Region's first load starts about ten such calls at once, so the view's
// first rows waited for all of them to be compiled. warmUpReads() (index.ts) runs one load of a Region through
// the real gateway and SDK clients with a request handler that answers every call on the spot with
// an empty answer of the right shape: nothing leaves the process, no credentials are read (fixed
// fake keys sign the requests), nothing is logged as a call.
import { Readable } from 'node:stream';
import type { AwsCredentialIdentity } from '@smithy/types';

/** The shape ClientPool needs of a request handler (the SDK's HttpHandler, reduced to what it calls). */
export interface LocalHandler {
  handle(request: { headers: Record<string, string>; body?: unknown }): Promise<{ response: LocalResponse }>;
  updateHttpClientConfig(): void;
  httpHandlerConfigs(): Record<string, never>;
  destroy?(): void;
}

interface LocalResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Readable;
}

/** Answers the calls of a Region's load, none over the network (ConnectionSettings.local). */
export interface LocalAnswers {
  readonly requestHandler: LocalHandler;
  readonly credentials: AwsCredentialIdentity;
}

const FAKE_KEYS: AwsCredentialIdentity = { accessKeyId: 'AKIAWARMUP0000000000', secretAccessKey: 'warm-up-only-never-sent' };

/**
 * An empty, well-formed answer to any call: EC2 and RDS (the query protocols) name the action in the
 * form body; the JSON protocols (Service Quotas, STS is query too) in the X-Amz-Target header.
 */
function emptyAnswer(request: { headers: Record<string, string>; body?: unknown }, seen: string[]): LocalResponse {
  const target = Object.entries(request.headers).find(([k]) => k.toLowerCase() === 'x-amz-target')?.[1];
  const form = typeof request.body === 'string' ? request.body : '';
  const action = target?.split('.').pop() ?? /(?:^|&)Action=([A-Za-z]+)/.exec(form)?.[1] ?? 'Unknown';
  seen.push(action);
  if (target) return { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: Readable.from([Buffer.from('{}')]) };
  // EC2's answers carry requestId at the top; RDS's (and STS's) a <…Result> and ResponseMetadata.
  const ec2 = /(?:^|&)Version=2016-11-15(?:&|$)/.test(form);
  const xml = ec2
    ? `<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>warm-up</requestId></${action}Response>`
    : `<${action}Response><${action}Result></${action}Result><ResponseMetadata><RequestId>warm-up</RequestId></ResponseMetadata></${action}Response>`;
  return { statusCode: 200, headers: { 'content-type': 'text/xml' }, body: Readable.from([Buffer.from(xml)]) };
}

/** A handler that answers every request locally; `seen` collects the actions it answered. */
export function localAnswers(seen: string[] = []): LocalAnswers {
  return {
    credentials: FAKE_KEYS,
    requestHandler: {
      handle: (request) => Promise.resolve({ response: emptyAnswer(request, seen) }),
      updateHttpClientConfig: () => {},
      httpHandlerConfigs: () => ({}),
      destroy: () => {},
    },
  };
}
