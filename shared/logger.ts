import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one structured logger. Messages are static and lower-case; data goes
 * in the object argument. Never log a secret, token or connection string.
 */
export const logger = new Logger({ serviceName: 'tars-oncall' });
