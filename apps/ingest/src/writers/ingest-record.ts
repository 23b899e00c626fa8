import { decodeIngestMessage, type IngestMessage } from '@sysmanage/contracts';
import { WriterError, WriterErrorCode } from './writer-error';

/** One decoded stream message, with the consumer's sequence for logs. */
export interface IngestRecord {
  readonly message: IngestMessage;
  /** `<hostId>\u0000<messageId>`: the ledger key. */
  readonly key: string;
}

/**
 * Decodes and checks a stream message for this writer's tenant. Ingest
 * validated it before publishing; this is the last line of defence against a
 * message on the wrong subject (never written to another tenant's database).
 */
export function decodeIngestRecord(tenantId: string, data: Uint8Array): IngestRecord {
  let message: IngestMessage;
  try {
    message = decodeIngestMessage(data);
  } catch (error) {
    throw new WriterError(
      WriterErrorCode.MALFORMED_MESSAGE,
      error instanceof Error ? error.message : String(error),
      { cause: error },
    );
  }
  if (message.tenantId !== tenantId) {
    throw new WriterError(
      WriterErrorCode.WRONG_TENANT,
      `message ${message.messageId} of host ${message.hostId} names tenant ${message.tenantId} but was consumed for tenant ${tenantId}`,
    );
  }
  return { message, key: ledgerKey(message.hostId, message.messageId) };
}

export function ledgerKey(hostId: string, messageId: string): string {
  return `${hostId.toLowerCase()}\u0000${messageId}`;
}
