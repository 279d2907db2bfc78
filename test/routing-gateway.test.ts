// SIMULATOR=on beside a real channel: simulated users' calls stay in-process, real users' go to LINE.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LineMessage } from '../src/types.ts';
import { CapturingLineGateway, SdkLineGateway } from '../src/line/gateway.ts';
import { capturingGatewayOf, RoutingLineGateway, simulatedReplyToken, userOfSimulatedReplyToken } from '../src/line/routing-gateway.ts';
import { LineApiRecorder } from './support/line-recorder.ts';

const TEST_ACCESS_TOKEN = 'test-access-token';
const hello: LineMessage[] = [{ type: 'text', text: 'こんにちは' }];
const REAL_USER = 'U4af4980629a0b1c2d3e4f5a6b7c8d9e0';
const REAL_REPLY_TOKEN = 'b60d432864f44d079f6d8efe86cf404b';
const SIM_USER = 'Usim0123456789abcdef';

let recorder: LineApiRecorder;
let captured: CapturingLineGateway;
let gateway: RoutingLineGateway;

beforeAll(async () => {
  recorder = await new LineApiRecorder().start();
});
afterAll(() => recorder.stop());
afterEach(() => recorder.clear());

function fresh(): RoutingLineGateway {
  captured = new CapturingLineGateway();
  gateway = new RoutingLineGateway(new SdkLineGateway(TEST_ACCESS_TOKEN, recorder.url), captured);
  return gateway;
}

describe('replies', () => {
  it('keeps a reply to a simulator-issued token in-process and sends nothing to LINE', async () => {
    const token = simulatedReplyToken(SIM_USER);
    await fresh().reply(token, hello);
    expect(captured.calls).toEqual([expect.objectContaining({ kind: 'reply', replyToken: token, messages: hello })]);
    expect(recorder.requests).toHaveLength(0);
  });

  it('sends a reply to a real LINE token to the Messaging API', async () => {
    await fresh().reply(REAL_REPLY_TOKEN, hello);
    expect(recorder.replies).toEqual([{ replyToken: REAL_REPLY_TOKEN, messages: hello }]);
    expect(captured.calls).toHaveLength(0);
  });
});

describe('pushes and loading animations', () => {
  it('keeps a push to a simulated user in-process', async () => {
    await fresh().push(SIM_USER, hello, '7d1f0c3e-1111-4222-8333-944445555666');
    expect(captured.calls).toEqual([expect.objectContaining({ kind: 'push', to: SIM_USER, messages: hello })]);
    expect(recorder.requests).toHaveLength(0);
  });

  it('sends a push to a real user to LINE', async () => {
    await fresh().push(REAL_USER, hello, '7d1f0c3e-1111-4222-8333-944445555666');
    expect(recorder.pushes).toEqual([{ to: REAL_USER, messages: hello }]);
    expect(captured.calls).toHaveLength(0);
  });

  it('keeps the loading animation of a simulated user in-process', async () => {
    await fresh().showLoading(SIM_USER, 20);
    expect(captured.calls).toEqual([expect.objectContaining({ kind: 'loading', chatId: SIM_USER, seconds: 20 })]);
    expect(recorder.requests).toHaveLength(0);
  });

  it('shows the loading animation of a real user through LINE', async () => {
    await fresh().showLoading(REAL_USER, 20);
    expect(recorder.to('/v2/bot/chat/loading/start').map((r) => r.body)).toEqual([{ chatId: REAL_USER, loadingSeconds: 20 }]);
  });
});

describe('simulated reply tokens', () => {
  it('name the simulated user they were issued for', () => {
    expect(userOfSimulatedReplyToken(simulatedReplyToken(SIM_USER))).toBe(SIM_USER);
  });

  it('are different for every event', () => {
    expect(simulatedReplyToken(SIM_USER)).not.toBe(simulatedReplyToken(SIM_USER));
  });

  it('are never confused with a real LINE token', () => {
    expect(userOfSimulatedReplyToken(REAL_REPLY_TOKEN)).toBeUndefined();
    expect(userOfSimulatedReplyToken(`sim.${REAL_USER}.abc`)).toBeUndefined();
  });
});

describe('the simulator finds the captured calls', () => {
  it('in the routing gateway', () => {
    expect(capturingGatewayOf(fresh())).toBe(captured);
  });

  it('in local mode’s capturing gateway', () => {
    const local = new CapturingLineGateway();
    expect(capturingGatewayOf(local)).toBe(local);
  });

  it('nowhere when every call goes to LINE', () => {
    expect(capturingGatewayOf(new SdkLineGateway(TEST_ACCESS_TOKEN, recorder.url))).toBeUndefined();
  });
});
