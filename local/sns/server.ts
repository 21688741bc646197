import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message the automation published, as the local world saw it. */
export interface CapturedPublish {
  messageId: string;
  topicArn: string;
  subject: string | null;
  message: string;
  attributes: Record<string, string>;
  at: string;
}

/** A running capture of SNS `Publish` calls. */
export interface SnsCapture {
  /** Endpoint for `AWS_ENDPOINT_URL_SNS`. */
  readonly endpoint: string;
  readonly published: readonly CapturedPublish[];
  /** Called for each publish as it arrives (the drill streams them). */
  onPublish(listener: (publish: CapturedPublish) => void): void;
  close(): Promise<void>;
}

/**
 * Serves the part of the SNS query protocol the automation uses (`Publish`)
 * on loopback, so the real SDK client publishes to it unchanged. Anything
 * else is answered with the error SNS itself would give.
 */
export async function startSnsCapture(): Promise<SnsCapture> {
  const published: CapturedPublish[] = [];
  const listeners: Array<(publish: CapturedPublish) => void> = [];
  const server = createServer((req, res) => {
    void handle(req, res, (publish) => {
      published.push(publish);
      for (const listener of listeners) listener(publish);
    });
  });

  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    published,
    onPublish: (listener) => {
      listeners.push(listener);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  record: (publish: CapturedPublish) => void,
): Promise<void> {
  const params = new URLSearchParams(await readBody(req));
  const action = params.get('Action');
  if (action !== 'Publish') {
    reply(res, 400, errorXml('InvalidAction', `unsupported action ${action}`));
    return;
  }

  const topicArn = params.get('TopicArn') ?? params.get('TargetArn');
  const message = params.get('Message');
  if (!topicArn || message === null) {
    reply(res, 400, errorXml('InvalidParameter', 'TopicArn and Message'));
    return;
  }

  const messageId = randomUUID();
  record({
    messageId,
    topicArn,
    subject: params.get('Subject'),
    message,
    attributes: readAttributes(params),
    at: new Date().toISOString(),
  });
  reply(res, 200, publishXml(messageId));
}

function readAttributes(params: URLSearchParams): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (let i = 1; params.has(`MessageAttributes.entry.${i}.Name`); i++) {
    const prefix = `MessageAttributes.entry.${i}`;
    const name = params.get(`${prefix}.Name`) ?? '';
    attributes[name] = params.get(`${prefix}.Value.StringValue`) ?? '';
  }
  return attributes;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/xml' });
  res.end(body);
}

function publishXml(messageId: string): string {
  return [
    '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">',
    `<PublishResult><MessageId>${messageId}</MessageId></PublishResult>`,
    `<ResponseMetadata><RequestId>${randomUUID()}</RequestId>`,
    '</ResponseMetadata></PublishResponse>',
  ].join('');
}

function errorXml(code: string, message: string): string {
  const safe = message.replace(/[<>&]/g, '');
  return [
    '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">',
    `<Error><Type>Sender</Type><Code>${code}</Code>`,
    `<Message>${safe}</Message></Error>`,
    `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  ].join('');
}
