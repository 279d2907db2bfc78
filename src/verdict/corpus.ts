// The verdict's training data, from data/invitations/: the clause bank (clauses.jsonl: one clause and
// the facts it states), the annotated invitations (train-*.json: text, level, and the facts with the
// clause that states each), and the earlier tuned set in test/fixtures/invitations.json (levels only).
// The held-out set in test/heldout/ is never part of it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { prepareInvitation, splitClauses } from './clauses.ts';
import { type Fact, factSchema } from './facts.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

export const levelSchema = z.enum(['legit', 'caution', 'likely-trap']);

export const FORMATS = ['line-forward', 'event-page', 'sns-dm', 'email', 'flyer', 'group-post', 'one-line'] as const;

export const annotatedInvitationSchema = z.object({
  id: z.string(),
  format: z.string(),
  label: levelSchema,
  hard: z.boolean().optional(),
  personal: z.boolean().optional(),
  reason: z.string().optional(),
  text: z.string().min(1),
  facts: z.array(z.object({ fact: factSchema, quote: z.string().min(1) })).optional(),
});
export type AnnotatedInvitation = z.infer<typeof annotatedInvitationSchema>;

export const clauseExampleSchema = z.object({ text: z.string().min(1), facts: z.array(factSchema) });
export type ClauseExample = { text: string; labels: string[]; position: 'only' | 'first' | 'last' | 'middle'; origin: string };

const fixtureSchema = z.array(z.object({ id: z.string(), expected: levelSchema, style: z.string(), note: z.string(), text: z.string() }));

/** Annotated training invitations, then the older fixtures (levels only, no annotations). */
export function loadTrainingInvitations(dir: string = root): AnnotatedInvitation[] {
  const invitations: AnnotatedInvitation[] = [];
  const dataDir = join(dir, 'data/invitations');
  for (const name of readdirSync(dataDir).sort()) {
    if (!/^train-.*\.json$/.test(name)) continue;
    const parsed = z.array(annotatedInvitationSchema).safeParse(JSON.parse(readFileSync(join(dataDir, name), 'utf8')));
    if (!parsed.success) throw new Error(`data/invitations/${name}: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`);
    invitations.push(...parsed.data);
  }
  const fixtures = join(dir, 'test/fixtures/invitations.json');
  if (existsSync(fixtures)) {
    for (const f of fixtureSchema.parse(JSON.parse(readFileSync(fixtures, 'utf8')))) {
      invitations.push({ id: `fixture-${f.id}`, format: f.style === 'listing' ? 'event-page' : 'line-forward', label: f.expected, reason: f.note, text: f.text });
    }
  }
  return invitations;
}

/** Every clause bank, data/invitations/clauses*.jsonl, in file order. */
export function loadClauseBank(dir: string = root): ClauseExample[] {
  const dataDir = join(dir, 'data/invitations');
  if (!existsSync(dataDir)) return [];
  return readdirSync(dataDir)
    .filter((name) => /^clauses.*\.jsonl$/.test(name))
    .sort()
    .flatMap((name) =>
      readFileSync(join(dataDir, name), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line, i) => {
          const parsed = clauseExampleSchema.safeParse(JSON.parse(line));
          if (!parsed.success) throw new Error(`data/invitations/${name}:${i + 1}: ${parsed.error.issues[0]?.message}`);
          return { text: parsed.data.text, labels: parsed.data.facts, position: 'only' as const, origin: name };
        }),
    );
}

const squash = (text: string): string => text.normalize('NFKC').replace(/\s+/g, '');

/** The clauses of an annotated invitation, each with the facts whose quote it overlaps. */
export function clausesOfInvitation(invitation: AnnotatedInvitation): ClauseExample[] {
  const clauses = splitClauses(prepareInvitation(invitation.text));
  const quotes = (invitation.facts ?? []).map((f) => ({ fact: f.fact, quote: squash(f.quote) }));
  return clauses.map((clause, i) => {
    const text = squash(clause.text);
    const labels = new Set<Fact>();
    for (const { fact, quote } of quotes) {
      if (quote.length === 0 || text.length === 0) continue;
      if (text.includes(quote) || quote.includes(text)) labels.add(fact);
    }
    const position = clauses.length === 1 ? 'only' : i === 0 ? 'first' : i === clauses.length - 1 ? 'last' : 'middle';
    return { text: clause.text, labels: [...labels], position, origin: invitation.id };
  });
}
