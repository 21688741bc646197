import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  Billing,
  type ITableV2,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_KEYS } from '#shared/incidents/table.ts';

export interface IncidentTableProps {
  /** Keep the table when the stack is deleted (default: true). */
  readonly retain?: boolean;
}

/**
 * The single incident table: incidents, timelines, dedup pointers, guard
 * counters and idempotency records. Keys mirror `tableDefinition()` in
 * `shared/incidents/table.ts`, which dynalite uses in tests.
 */
export class IncidentTable extends Construct {
  public readonly table: ITableV2;

  constructor(scope: Construct, id: string, props: IncidentTableProps = {}) {
    super(scope, id);
    const { partitionKey, sortKey, ttlAttribute, gsi1 } = TABLE_KEYS;

    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: partitionKey, type: AttributeType.STRING },
      sortKey: { name: sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      timeToLiveAttribute: ttlAttribute,
      encryption: TableEncryptionV2.awsManagedKey(),
      // Incidents are the audit trail of what the automation did.
      pointInTimeRecoverySpecification: {
        pointInTimeRecoveryEnabled: true,
      },
      deletionProtection: props.retain ?? true,
      removalPolicy:
        (props.retain ?? true) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      globalSecondaryIndexes: [
        {
          indexName: gsi1.name,
          partitionKey: { name: gsi1.partitionKey, type: AttributeType.STRING },
          sortKey: { name: gsi1.sortKey, type: AttributeType.STRING },
        },
      ],
    });
  }
}
