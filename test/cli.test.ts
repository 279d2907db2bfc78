// The command line, as operators and scripts use it (interface.md).
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testRedisUrl } from './support/redis.ts';
import { uniqueUserId } from './support/webhook.ts';

function cli(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  const run = spawnSync(process.execPath, ['src/cli.ts', ...args], {
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: 30_000,
    env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...options.env },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('cli verdict', () => {
  it('prints the verdict JSON of the contract for an invitation on stdin', () => {
    const run = cli(['verdict', '--json'], { input: '今だけ！絶対儲かる副業の話があるから、カフェで会えない？紹介料も入るよ' });
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as { verdict: string; score: number; flags: { kind: string; label: string; evidence: string; source: string }[]; advice: string[] };
    expect(out.verdict).toBe('likely-trap');
    expect(typeof out.score).toBe('number');
    expect(out.flags.some((f) => f.kind === 'red' && f.evidence.length > 0 && f.source.length > 0)).toBe(true);
    expect(out.advice.length).toBeGreaterThan(0);
  });

  it('exits 2 with one line when stdin is empty', () => {
    const run = cli(['verdict', '--json']);
    expect(run.status).toBe(2);
    expect(run.stderr.split('\n')[0]).toMatch(/no invitation/);
  });
});

describe('cli ask', () => {
  it('answers a question with the JSON of the contract, naming its sources', () => {
    const run = cli(['ask', '--json', '--user', uniqueUserId(), '安い交流会ってヤバい？'], { env: { REDIS_URL: testRedisUrl() } });
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as { reply: string; intent: string; sources: { id: string; title: string; source: string }[] };
    expect(out.intent).toBe('question');
    expect(out.reply).toMatch(/[\u3040-\u30ff]/);
    expect(out.sources.map((s) => s.id)).toContain('cheap-vs-expensive-events');
  });

  it('remembers a contact between calls for the same --user', () => {
    const user = uniqueUserId();
    const env = { REDIS_URL: testRedisUrl() };
    expect(cli(['ask', '--user', user, 'IT交流会で田中さんと名刺交換した、同い年の営業職'], { env }).status).toBe(0);
    const out = JSON.parse(cli(['ask', '--json', '--user', user, '田中さんを飲みに誘うには？'], { env }).stdout) as { reply: string; intent: string };
    expect(out.intent).toBe('contact-advice');
    expect(out.reply).toContain('田中さん');
  });

  it('adds the verdict and the quick replies when a turn judges an invitation, and a template’s text to the reply', () => {
    const user = uniqueUserId();
    const env = { REDIS_URL: testRedisUrl() };
    const judged = JSON.parse(cli(['ask', '--json', '--user', user, '来週カフェ会あるけど来ない？すごい成功者を紹介するよ。終わったらいつもの場所で話そう'], { env }).stdout) as {
      intent: string;
      verdict?: { verdict: string; flags: unknown[] };
      quickReplies: string[];
    };
    expect(judged.intent).toBe('judge');
    expect(judged.verdict?.verdict).toBe('likely-trap');
    expect(Array.isArray(judged.quickReplies)).toBe(true);
    const question = JSON.parse(cli(['ask', '--json', '--user', user, '名刺って何枚持っていけばいい？'], { env }).stdout) as { verdict?: unknown; quickReplies: string[] };
    expect(question.verdict).toBeUndefined();
    expect(question.quickReplies.length).toBeGreaterThan(0);
    const confirm = JSON.parse(cli(['ask', '--json', '--user', user, '私のデータを全部消してください'], { env }).stdout) as { reply: string; intent: string };
    expect(confirm.intent).toBe('delete-request');
    expect(confirm.reply).toContain('削除します');
    const done = JSON.parse(cli(['ask', '--json', '--user', user, 'はい'], { env }).stdout) as { reply: string; intent: string };
    expect(done.intent).toBe('delete-confirm');
    expect(done.reply).toContain('すべて削除しました');
  });

  it('keeps memory in a local file when no REDIS_URL is set', () => {
    const env = { KAB_CLI_STATE: join(mkdtempSync(join(tmpdir(), 'kab-cli-')), 'state.json') };
    cli(['ask', '今だけ絶対儲かる話があるからカフェで会おう。先輩も紹介するね'], { env });
    const out = JSON.parse(cli(['ask', '--json', 'なぜ？'], { env }).stdout) as { intent: string };
    expect(out.intent).toBe('verdict-why');
  });

  it('exits 2 on an unknown command, and prints its usage with status 0 for --help', () => {
    expect(cli(['shout']).status).toBe(2);
    const help = cli(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/usage:[\s\S]*ask[\s\S]*verdict/);
  });
});
