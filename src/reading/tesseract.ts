// The `tesseract` command (Debian's tesseract-ocr + tesseract-ocr-jpn) as an adapter — the engine
// measured against tesseract.js (see image.ts), kept as `engine: 'command'`: the image
// goes in on stdin, TSV comes out on stdout; the process is spawned (the event loop never waits on
// it) and killed when the time budget or the caller's signal runs out.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OcrTimeoutError, OcrUnavailableError } from './errors.ts';
import { parseTsv, readingFromWords, type OcrReading } from './ocr-text.ts';

export interface TesseractOptions {
  /** Languages, e.g. 'jpn' or 'jpn+eng' or 'jpn_vert'. */
  lang: string;
  /** Page segmentation mode (3 auto, 4 one column, 5 vertical block, 6 one block, 11 sparse). */
  psm: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** The executable; default `tesseract` on PATH (env TESSERACT_CMD overrides). */
  command?: string;
  /** Threads OpenMP may use inside one tesseract process (OMP_THREAD_LIMIT). Default 1. */
  threads?: number;
  /** Where the traineddata lives; default Tesseract's own (Debian: /usr/share/tesseract-ocr/5/tessdata). */
  tessdataDir?: string;
}

/** Debian's tessdata directories, newest first. */
const TESSDATA_DIRS = ['/usr/share/tesseract-ocr/5/tessdata', '/usr/share/tesseract-ocr/4.00/tessdata'];

/** Whether a language's traineddata is installed (e.g. 'jpn_vert' from tesseract-ocr-jpn-vert). */
export function hasTesseractLanguage(lang: string, dirs: readonly string[] = tessdataDirs()): boolean {
  return dirs.some((dir) => existsSync(join(dir, `${lang}.traineddata`)));
}

function tessdataDirs(): string[] {
  const fromEnv = process.env.TESSDATA_PREFIX;
  return fromEnv ? [fromEnv, ...TESSDATA_DIRS] : TESSDATA_DIRS;
}

/** The directory holding jpn.traineddata: TESSDATA_PREFIX, else Debian's (5, then 4.00). */
export function tessdataDir(): string {
  const dirs = tessdataDirs();
  return dirs.find((dir) => existsSync(join(dir, 'jpn.traineddata'))) ?? dirs[0] ?? '/usr/share/tesseract-ocr/5/tessdata';
}

/** Runs tesseract once on an encoded image (PNG) and returns the text, a confidence and word height. */
export function runTesseract(image: Uint8Array, options: TesseractOptions): Promise<OcrReading> {
  const command = options.command ?? process.env.TESSERACT_CMD ?? 'tesseract';
  const args = ['stdin', 'stdout', '-l', options.lang, '--psm', String(options.psm), '-c', 'debug_file=/dev/null'];
  if (options.tessdataDir) args.push('--tessdata-dir', options.tessdataDir);
  args.push('tsv');
  return new Promise<OcrReading>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new OcrTimeoutError(options.timeoutMs));
      return;
    }
    const child = spawn(command, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, OMP_THREAD_LIMIT: String(options.threads ?? 1) },
    });
    const out: Buffer[] = [];
    let err = '';
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const kill = (): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const onAbort = (): void => {
      kill();
      finish(() => reject(new OcrTimeoutError(options.timeoutMs)));
    };
    const timer = setTimeout(onAbort, options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 2000) err += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) =>
      finish(() =>
        reject(new OcrUnavailableError(error.code === 'ENOENT' ? `${command} is not installed` : error.message)),
      ),
    );
    child.on('close', (code) => {
      if (code !== 0) {
        finish(() => reject(new OcrUnavailableError(`${command} exited with ${code}: ${err.trim().split('\n').pop() ?? ''}`)));
        return;
      }
      finish(() => resolve(readingFromWords(parseTsv(Buffer.concat(out).toString('utf8')))));
    });
    // A closed stdin (the process died early) must not crash the caller.
    child.stdin.on('error', () => {});
    child.stdin.end(image);
  });
}
