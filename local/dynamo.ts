import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableDefinition } from '#shared/incidents/table.ts';

interface DynaliteOptions {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

// dynalite ships CommonJS without types; this is the part we use.
type DynaliteFactory = (options: DynaliteOptions) => Server;
const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as DynaliteFactory;

/** A running in-process DynamoDB with the incident table created. */
export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  tableName: string;
  stop(): Promise<void>;
}

/**
 * Starts dynalite in memory on a free port of 127.0.0.1 and creates the
 * incident table from `tableDefinition`. Tests start one per file; the
 * local world starts one for a drill or `npm run world`.
 */
export async function startDynalite(
  tableName = 'tars-incidents',
): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0 });
  const endpoint = await listen(server);
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });

  await client.send(new CreateTableCommand(tableDefinition(tableName)));
  await waitUntilActive(client, tableName);

  const stop = async () => {
    client.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
    });
  };
  return { endpoint, client, doc, tableName, stop };
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${port}`);
    });
  });
}

async function waitUntilActive(
  client: DynamoDBClient,
  tableName: string,
): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await client.send(
      new DescribeTableCommand({ TableName: tableName }),
    );
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`table ${tableName} did not become active`);
}
