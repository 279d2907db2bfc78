// With SIMULATOR=on and a real channel, simulated users must never reach LINE: their calls stay
// in-process for the simulator page, and every other call goes to the Messaging API as usual.
import { randomBytes } from 'node:crypto';
import type { LineMessage } from '../types.ts';
import { CapturingLineGateway, LineApiError, type LineGateway } from './gateway.ts';

/** Real LINE user ids are "U" + 32 hex digits, so "Usim…" can never name a real user. */
export const SIMULATED_USER_PREFIX = 'Usim';

/** Real reply tokens are hex; "sim." marks a token the simulator issued (and names its user). */
const SIMULATED_REPLY_TOKEN_PREFIX = 'sim.';

export function isSimulatedUser(chatId: string): boolean {
  return chatId.startsWith(SIMULATED_USER_PREFIX);
}

/** A reply token for a simulated event; the simulator reads the user back from it. */
export function simulatedReplyToken(userId: string): string {
  return `${SIMULATED_REPLY_TOKEN_PREFIX}${userId}.${randomBytes(8).toString('hex')}`;
}

/** The simulated user a reply token was issued for, or undefined for a real LINE token. */
export function userOfSimulatedReplyToken(replyToken: string): string | undefined {
  if (!replyToken.startsWith(SIMULATED_REPLY_TOKEN_PREFIX)) return undefined;
  const rest = replyToken.slice(SIMULATED_REPLY_TOKEN_PREFIX.length);
  const end = rest.lastIndexOf('.');
  const userId = end > 0 ? rest.slice(0, end) : '';
  return isSimulatedUser(userId) ? userId : undefined;
}

/** Sends calls for simulated users to a capturing gateway, and the rest to the real one. */
export class RoutingLineGateway implements LineGateway {
  readonly real: LineGateway;
  readonly simulated: CapturingLineGateway;

  constructor(real: LineGateway, simulated: CapturingLineGateway = new CapturingLineGateway()) {
    this.real = real;
    this.simulated = simulated;
  }

  reply(replyToken: string, messages: LineMessage[]): Promise<void> {
    const target = userOfSimulatedReplyToken(replyToken) ? this.simulated : this.real;
    return target.reply(replyToken, messages);
  }

  push(to: string, messages: LineMessage[], retryKey: string): Promise<void> {
    return (isSimulatedUser(to) ? this.simulated : this.real).push(to, messages, retryKey);
  }

  showLoading(chatId: string, seconds: number): Promise<void> {
    return (isSimulatedUser(chatId) ? this.simulated : this.real).showLoading(chatId, seconds);
  }

  /** Content the simulator put here is read here; anything else comes from LINE. */
  async getMessageContent(messageId: string, maxBytes: number): Promise<Uint8Array> {
    try {
      return await this.simulated.getMessageContent(messageId, maxBytes);
    } catch (err) {
      if (!(err instanceof LineApiError && err.status === 404)) throw err;
      return this.real.getMessageContent(messageId, maxBytes);
    }
  }
}

/** The gateway whose captured calls the simulator page shows, if the runtime has one. */
export function capturingGatewayOf(line: LineGateway): CapturingLineGateway | undefined {
  if (line instanceof CapturingLineGateway) return line;
  if (line instanceof RoutingLineGateway) return line.simulated;
  return undefined;
}
