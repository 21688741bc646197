/** Base class of the notify module's errors. */
export class NotifyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NotifyError';
  }
}

/** No topic ARN is configured for a channel or tier: the message is lost. */
export class MissingTopicError extends NotifyError {
  readonly destination: string;

  constructor(destination: string, options?: { cause?: unknown }) {
    super(
      `no SNS topic configured for ${destination}; set its TOPIC_* variable`,
      options,
    );
    this.name = 'MissingTopicError';
    this.destination = destination;
  }
}

/** SNS refused or failed a publish. */
export class PublishError extends NotifyError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PublishError';
  }
}
