/** Tests start the same in-process DynamoDB as the local world. */
export { type LocalDynamo, startDynalite } from '#local/dynamo.ts';
