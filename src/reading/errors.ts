// Typed outcomes of reading an image or a link. Each carries a machine-readable `reason` and a
// message for logs; the user-facing Japanese wording belongs to the caller (the conversation layer
// says 「リンク先は読めませんでした…」 for every link failure, a size message for a big image).
// Messages never contain image text or URL paths (the privacy rule for info-level logs).

export abstract class ReadingError extends Error {
  abstract readonly reason: string;
}

// ------------------------------------------------------------------ images

export type ImageTooLargeReason = 'bytes' | 'pixels';

/** The image is over the byte or pixel limit; nothing was decoded past the header. */
export class ImageTooLargeError extends ReadingError {
  override readonly name = 'ImageTooLargeError';
  readonly reason: ImageTooLargeReason;
  readonly limit: number;
  readonly actual: number;
  constructor(reason: ImageTooLargeReason, actual: number, limit: number) {
    super(
      reason === 'bytes'
        ? `image is ${actual} bytes, over the ${limit}-byte limit`
        : `image is ${actual} pixels, over the ${limit}-pixel limit`,
    );
    this.reason = reason;
    this.actual = actual;
    this.limit = limit;
  }
}

/** The bytes are not an image format the reader decodes (PNG, JPEG, WebP, GIF, TIFF, HEIF/AVIF). */
export class NotAnImageError extends ReadingError {
  override readonly name = 'NotAnImageError';
  readonly reason = 'not-an-image';
  constructor(detail: string) {
    super(`not a readable image: ${detail}`);
  }
}

/** Reading took longer than its time budget; the OCR process was killed. */
export class OcrTimeoutError extends ReadingError {
  override readonly name = 'OcrTimeoutError';
  readonly reason = 'timeout';
  readonly budgetMs: number;
  constructor(budgetMs: number) {
    super(`reading the image took longer than ${budgetMs} ms`);
    this.budgetMs = budgetMs;
  }
}

/** The OCR engine could not run (not installed, no Japanese data, crashed). */
export class OcrUnavailableError extends ReadingError {
  override readonly name = 'OcrUnavailableError';
  readonly reason = 'ocr-unavailable';
  constructor(detail: string) {
    super(`OCR is unavailable: ${detail}`);
  }
}

// ------------------------------------------------------------------ links

export type LinkRefusedReason =
  | 'scheme' // not http(s)
  | 'credentials' // user:pass@ in the URL
  | 'address' // the host is, or resolves to, a private/loopback/link-local/metadata/… address
  | 'unresolvable' // DNS gave no address
  | 'redirects' // more than the redirect limit
  | 'bad-url';

/** The link was not fetched (or a hop was not followed) because the guard refused it. */
export class LinkRefusedError extends ReadingError {
  override readonly name = 'LinkRefusedError';
  readonly reason: LinkRefusedReason;
  constructor(reason: LinkRefusedReason, detail: string) {
    super(`link refused (${reason}): ${detail}`);
    this.reason = reason;
  }
}

export type LinkFetchReason = 'timeout' | 'network' | 'status';

/** The fetch failed: time budget, network error, or an HTTP error status. */
export class LinkFetchError extends ReadingError {
  override readonly name = 'LinkFetchError';
  readonly reason: LinkFetchReason;
  readonly status: number | undefined;
  constructor(reason: LinkFetchReason, detail: string, status?: number) {
    super(`link fetch failed (${reason}): ${detail}`);
    this.reason = reason;
    this.status = status;
  }
}

/** The body is over the byte cap; reading stopped at the cap. */
export class LinkTooLargeError extends ReadingError {
  override readonly name = 'LinkTooLargeError';
  readonly reason = 'too-large';
  readonly limit: number;
  constructor(limit: number) {
    super(`page body is over the ${limit}-byte cap`);
    this.limit = limit;
  }
}

/** The response is not HTML (or XHTML). */
export class NotHtmlError extends ReadingError {
  override readonly name = 'NotHtmlError';
  readonly reason = 'not-html';
  readonly contentType: string;
  constructor(contentType: string) {
    super(`page is not HTML (content-type ${contentType || 'missing'})`);
    this.contentType = contentType;
  }
}

/** The page asks for a login (a password form, a login redirect of Facebook/Instagram, …). */
export class LoginWallError extends ReadingError {
  override readonly name = 'LoginWallError';
  readonly reason = 'login-wall';
  readonly host: string;
  constructor(host: string) {
    super(`page on ${host} needs a login`);
    this.host = host;
  }
}
