// What a contact report says about the relationship: how far it has gone (the stage) and whether the
// person is married, read by two small models trained on data/understanding/contact-details.jsonl;
// and where the two met, as the user named the event.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { type MaritalStatus, type Stage, STAGES } from '../coaching/contacts.ts';
import { LinearModel, type SerialisedModel, train } from '../learning/linear.ts';
import { messageFeatures } from './features.ts';
import { shippedUnderstandingFile } from './model.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

export const NO_STAGE = 'none';
export const STAGE_LABELS = [...STAGES, NO_STAGE] as const;
export const MARITAL_LABELS = ['unknown', 'single', 'married'] as const;

export const contactDetailSchema = z.object({
  text: z.string().min(1),
  person: z.string().nullish(),
  stage: z.enum(STAGES).nullable(),
  marital: z.enum(MARITAL_LABELS),
  metAt: z.string().nullish(),
});
export type ContactDetail = z.infer<typeof contactDetailSchema>;

export function loadContactDetails(dir: string = root): ContactDetail[] {
  const path = join(dir, 'data/understanding/contact-details.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      const parsed = contactDetailSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`data/understanding/contact-details.jsonl:${i + 1}: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
      return parsed.data;
    });
}

export function trainContactDetails(details: readonly ContactDetail[]): { stage: SerialisedModel; marital: SerialisedModel } {
  const features = details.map((d) => messageFeatures(d.text));
  const options = { kind: 'softmax' as const, epochs: 30, learningRate: 0.2, l2: 1e-5, buckets: 1 << 14 };
  return {
    stage: train(details.map((d, i) => ({ features: features[i]!, labels: [d.stage ?? NO_STAGE] })), { ...options, labels: STAGE_LABELS }),
    marital: train(details.map((d, i) => ({ features: features[i]!, labels: [d.marital] })), { ...options, labels: MARITAL_LABELS }),
  };
}

/** Event words that name where people meet (a closed class); the words before one name the event. */
const EVENT_WORDS = ['異業種交流会', '名刺交換会', '交流会', 'カフェ会', '朝活', '勉強会', 'セミナー', '懇親会', '読書会', 'ランチ会', '食事会', '飲み会', 'パーティー', 'パーティ', 'ミートアップ', 'イベント', '例会', 'オフ会', 'もくもく会'];
const LEADING_TIME = ['この前の', 'この間の', '先日の', '昨日の', '今日の', '先週の', '先月の', '今週の', 'こないだの'];

/** Where the two met, as the user named the event (「IT交流会で…」 → IT交流会), if the message says. */
export function metAtOf(text: string): string | undefined {
  const t = text.normalize('NFKC');
  for (const word of EVENT_WORDS) {
    const at = t.indexOf(word);
    if (at < 0) continue;
    let start = at;
    while (start > 0 && at - start < 12 && !/[\s、。,!?！？「」『』()（）でにはがをとの]/u.test(t[start - 1]!)) start -= 1;
    let name = t.slice(start, at + word.length);
    for (const lead of LEADING_TIME) if (name.startsWith(lead)) name = name.slice(lead.length);
    return name;
  }
  return undefined;
}

export type ContactReading = { stage?: Stage | undefined; marital?: MaritalStatus | undefined; metAt?: string | undefined };

export class ContactReader {
  readonly #stage: LinearModel;
  readonly #marital: LinearModel;

  constructor(models: { stage: SerialisedModel; marital: SerialisedModel }) {
    this.#stage = new LinearModel(models.stage);
    this.#marital = new LinearModel(models.marital);
  }

  read(text: string): ContactReading {
    const features = messageFeatures(text);
    const best = (model: LinearModel) => [...model.predict(features).entries()].sort((a, b) => b[1] - a[1])[0]!;
    const [stage, stageP] = best(this.#stage);
    const [marital, maritalP] = best(this.#marital);
    return {
      ...(stage !== NO_STAGE && stageP >= 0.4 ? { stage: stage as Stage } : {}),
      ...(marital !== 'unknown' && maritalP >= 0.6 ? { marital: marital as MaritalStatus } : {}),
      ...(metAtOf(text) ? { metAt: metAtOf(text) } : {}),
    };
  }
}

let shipped: ContactReader | undefined;
export function shippedContactReader(): ContactReader {
  shipped ??= new ContactReader(shippedUnderstandingFile().contacts);
  return shipped;
}
