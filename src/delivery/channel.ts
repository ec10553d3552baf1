/** What every channel offers `sendMessage`: one send, which either succeeds or throws a DeliveryError. */
import type { Channel, Message } from './message';

export interface SendReceipt {
  /** The provider's id of what it accepted (the Message-ID of an email), for the ledger and support. */
  providerMessageId?: string;
}

export interface DeliveryChannel {
  readonly channel: Channel;
  send(message: Message): Promise<SendReceipt>;
  close?(): Promise<void> | void;
}

export type Channels = Partial<Record<Channel, DeliveryChannel>>;
