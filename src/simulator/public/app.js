// The simulator page: renders a simulated user's chat from the server's event stream, and sends
// what the user types or taps to /simulator/send, which posts a signed webhook event to /webhook.

const BOT_NAME = '交流会の先輩';
const USERS_KEY = 'kab-simulator-users';
const CURRENT_KEY = 'kab-simulator-current';

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const talk = $('talk');
const quickBar = $('quick-replies');
const input = /** @type {HTMLTextAreaElement} */ ($('composer-input'));
const sendButton = /** @type {HTMLButtonElement} */ ($('composer-send'));
const userSelect = /** @type {HTMLSelectElement} */ ($('user-select'));

/* ---------------- small helpers ---------------- */

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function timeLabel(at) {
  const d = new Date(at);
  const h = d.getHours();
  return `${h < 12 ? '午前' : '午後'}${h % 12 === 0 ? 12 : h % 12}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** Text with URLs made clickable, as LINE does in text messages. */
function linkified(text) {
  const frag = document.createDocumentFragment();
  const pattern = /https?:\/\/[^\s<>「」、。）)]+/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    frag.append(text.slice(last, match.index));
    const a = el('a', '', match[0]);
    a.href = match[0];
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    frag.append(a);
    last = match.index + match[0].length;
  }
  frag.append(text.slice(last));
  return frag;
}

let toastTimer;
function toast(message) {
  const box = $('toast');
  box.textContent = message;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (box.hidden = true), 2200);
}

function botAvatar() {
  const avatar = el('div', 'avatar');
  avatar.innerHTML =
    '<svg viewBox="0 0 36 36" width="36" height="36" aria-hidden="true"><rect width="36" height="36" fill="#06c755"/>' +
    '<text x="18" y="24.5" text-anchor="middle" font-size="17" font-weight="700" fill="#fff" font-family="sans-serif">先</text></svg>';
  return avatar;
}

/* ---------------- users ---------------- */

function randomUserId() {
  const hex = [...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `Usim${hex}`;
}

function loadUsers() {
  try {
    const users = JSON.parse(localStorage.getItem(USERS_KEY) ?? '[]');
    if (Array.isArray(users) && users.every((u) => typeof u.id === 'string' && u.id.startsWith('Usim'))) return users;
  } catch {
    // a broken entry is replaced below
  }
  return [];
}

const state = {
  users: loadUsers(),
  userId: '',
  stream: /** @type {EventSource | undefined} */ (undefined),
  lastRow: /** @type {{kind: string} | undefined} */ (undefined),
  lastBotMessages: /** @type {any[] | undefined} */ (undefined),
  loadingTimer: 0,
  typingRow: /** @type {HTMLElement | undefined} */ (undefined),
  replayed: false,
  dateShown: false,
};

function saveUsers() {
  localStorage.setItem(USERS_KEY, JSON.stringify(state.users));
  localStorage.setItem(CURRENT_KEY, state.userId);
}

function addUser() {
  const user = { id: randomUserId(), name: `ユーザー${state.users.length + 1}` };
  state.users.push(user);
  return user;
}

function renderUserSelect() {
  userSelect.replaceChildren(
    ...state.users.map((u) => {
      const option = el('option', '', `${u.name}（…${u.id.slice(-6)}）`);
      option.value = u.id;
      option.selected = u.id === state.userId;
      return option;
    }),
  );
  $('user-id').textContent = state.userId;
}

function switchUser(userId) {
  state.userId = userId;
  saveUsers();
  renderUserSelect();
  connect();
}

/* ---------------- sending ---------------- */

async function send(payload) {
  try {
    const res = await fetch('/simulator/send', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: state.userId, ...payload }),
    });
    if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      toast(`送信できませんでした：${body.error ?? res.status}`);
      return false;
    }
    return true;
  } catch {
    toast('サーバーにつながりません。npm start が動いているか確認してください。');
    return false;
  }
}

function sendText(text) {
  const trimmed = text.trim();
  if (!trimmed) return Promise.resolve(false);
  hideQuickReplies();
  return send({ text: trimmed });
}

/** What tapping a button, a quick reply or a rich menu area does in LINE. */
function performAction(action) {
  if (!action || typeof action !== 'object') return;
  switch (action.type) {
    case 'message':
      void sendText(action.text ?? action.label ?? '');
      return;
    case 'postback':
      hideQuickReplies();
      void send({ postback: action.data, ...(action.displayText ? { displayText: action.displayText } : {}) });
      return;
    case 'uri': {
      const uri = action.altUri?.desktop ?? action.uri;
      if (uri) window.open(uri, '_blank', 'noopener');
      return;
    }
    case 'clipboard':
      void navigator.clipboard?.writeText(action.clipboardText ?? '').then(() => toast('コピーしました'));
      return;
    default:
      toast(`「${action.label ?? action.type}」はシミュレーターでは未対応の操作です`);
  }
}

/* ---------------- quick replies ---------------- */

function hideQuickReplies() {
  quickBar.hidden = true;
  quickBar.replaceChildren();
}

const SUPPORTED_QUICK_ACTIONS = new Set(['message', 'postback', 'uri', 'clipboard']);

function showQuickReplies(items) {
  quickBar.replaceChildren(
    ...items.map((item) => {
      const chip = el('button', 'quick-reply');
      chip.type = 'button';
      if (item.imageUrl) {
        const img = el('img');
        img.src = item.imageUrl;
        img.alt = '';
        chip.append(img);
      }
      chip.append(item.action?.label ?? '');
      if (!SUPPORTED_QUICK_ACTIONS.has(item.action?.type)) chip.setAttribute('aria-disabled', 'true');
      chip.addEventListener('click', () => performAction(item.action));
      return chip;
    }),
  );
  quickBar.hidden = items.length === 0;
}

/* ---------------- Flex Message rendering ---------------- */

const SPACE = { none: '0px', xs: '2px', sm: '4px', md: '8px', lg: '12px', xl: '16px', xxl: '20px' };
const TEXT_SIZE = { xxs: '11px', xs: '13px', sm: '14px', md: '16px', lg: '19px', xl: '22px', xxl: '29px', '3xl': '35px', '4xl': '48px', '5xl': '74px' };
const IMAGE_SIZE = { xxs: '40px', xs: '60px', sm: '80px', md: '100px', lg: '120px', xl: '140px', xxl: '160px', '3xl': '180px', '4xl': '200px', '5xl': '220px', full: '100%' };
const BORDER_WIDTH = { none: '0px', light: '0.5px', normal: '1px', medium: '2px', 'semi-bold': '3px', bold: '4px' };
const JUSTIFY = { 'flex-start': 'flex-start', 'flex-end': 'flex-end', center: 'center', 'space-between': 'space-between', 'space-around': 'space-around', 'space-evenly': 'space-evenly' };

/** A keyword of a Flex scale, or a literal "12px" / "30%". */
const measure = (value, scale) => (value === undefined ? undefined : (scale[value] ?? value));

function applyCommon(node, c, parentLayout) {
  if (c.flex !== undefined) {
    const grow = Number(c.flex);
    node.style.flex = grow === 0 ? 'none' : parentLayout === 'vertical' ? `${grow} 0 auto` : `${grow} 0 0`;
    if (grow === 0 && parentLayout !== 'vertical') node.style.width = 'auto';
  }
  if (c.margin !== undefined) {
    const m = measure(c.margin, SPACE);
    if (parentLayout === 'vertical') node.style.marginTop = m;
    else node.style.marginInlineStart = m;
  }
  if (c.position === 'absolute') node.classList.add('fx-abs');
  const offsets = { offsetTop: 'top', offsetBottom: 'bottom', offsetStart: 'insetInlineStart', offsetEnd: 'insetInlineEnd' };
  for (const [prop, css] of Object.entries(offsets)) {
    if (c[prop] !== undefined) {
      if (c.position !== 'absolute') node.style.position = 'relative';
      node.style[css] = measure(c[prop], SPACE);
    }
  }
  if (c.gravity === 'center') node.style.justifyContent = 'center';
  if (c.gravity === 'bottom') node.style.justifyContent = 'flex-end';
  if (c.action) {
    node.classList.add('fx-clickable');
    node.addEventListener('click', (event) => {
      event.stopPropagation();
      performAction(c.action);
    });
  }
}

function renderBox(c, parentLayout) {
  const layout = c.layout ?? 'vertical';
  const box = el('div', `fx-box fx-${layout}`);
  if (c.spacing) box.classList.add(`fx-sp-${c.spacing}`);
  if (c.spacing && !(c.spacing in SPACE)) box.style.gap = c.spacing;
  const style = box.style;
  if (c.backgroundColor) style.backgroundColor = c.backgroundColor;
  if (c.background?.type === 'linearGradient') {
    const stops = [c.background.startColor, c.background.centerColor, c.background.endColor].filter(Boolean);
    style.backgroundImage = `linear-gradient(${c.background.angle ?? '0deg'}, ${stops.join(', ')})`;
  }
  if (c.borderColor || c.borderWidth) {
    style.borderStyle = 'solid';
    style.borderColor = c.borderColor ?? '#000000';
    style.borderWidth = measure(c.borderWidth ?? 'normal', BORDER_WIDTH);
  }
  if (c.cornerRadius) style.borderRadius = measure(c.cornerRadius, SPACE);
  if (c.width) style.width = c.width;
  if (c.maxWidth) style.maxWidth = c.maxWidth;
  if (c.height) style.height = c.height;
  if (c.maxHeight) style.maxHeight = c.maxHeight;
  if (c.paddingAll !== undefined) style.padding = measure(c.paddingAll, SPACE);
  if (c.paddingTop !== undefined) style.paddingTop = measure(c.paddingTop, SPACE);
  if (c.paddingBottom !== undefined) style.paddingBottom = measure(c.paddingBottom, SPACE);
  if (c.paddingStart !== undefined) style.paddingInlineStart = measure(c.paddingStart, SPACE);
  if (c.paddingEnd !== undefined) style.paddingInlineEnd = measure(c.paddingEnd, SPACE);
  if (c.justifyContent) style.justifyContent = JUSTIFY[c.justifyContent] ?? c.justifyContent;
  if (c.alignItems) style.alignItems = JUSTIFY[c.alignItems] ?? c.alignItems;
  applyCommon(box, c, parentLayout);
  for (const child of c.contents ?? []) box.append(renderComponent(child, layout));
  return box;
}

function textStyle(node, c) {
  if (c.size) node.style.fontSize = measure(c.size, TEXT_SIZE);
  if (c.weight === 'bold') node.style.fontWeight = '700';
  if (c.color) node.style.color = c.color;
  if (c.style === 'italic') node.style.fontStyle = 'italic';
  if (c.decoration === 'underline') node.style.textDecoration = 'underline';
  if (c.decoration === 'line-through') node.style.textDecoration = 'line-through';
}

function renderText(c, parentLayout) {
  const wrapper = el('div', 'fx-text');
  const p = el('p');
  if (Array.isArray(c.contents) && c.contents.length > 0) {
    for (const span of c.contents) {
      const s = el('span', '', span.text ?? '');
      textStyle(s, span);
      p.append(s);
    }
  } else {
    p.textContent = c.text ?? '';
  }
  textStyle(wrapper, c);
  if (c.wrap) wrapper.classList.add('fx-wrap');
  if (c.maxLines) {
    p.style.display = '-webkit-box';
    p.style.webkitBoxOrient = 'vertical';
    p.style.webkitLineClamp = String(c.maxLines);
    p.style.whiteSpace = c.wrap ? 'pre-wrap' : 'normal';
  }
  if (c.lineSpacing) p.style.lineHeight = `calc(1.4em + ${c.lineSpacing})`;
  if (c.align) p.style.textAlign = c.align === 'start' ? 'start' : c.align === 'end' ? 'end' : 'center';
  applyCommon(wrapper, c, parentLayout);
  wrapper.append(p);
  return wrapper;
}

function renderButton(c, parentLayout) {
  const style = c.style ?? 'link';
  const wrapper = el('div', `fx-button fx-btn-${style} fx-btn-${c.height === 'sm' ? 'sm' : 'md'}`);
  const button = el('button');
  button.type = 'button';
  button.append(el('span', '', c.action?.label ?? ''));
  if (c.color) {
    if (style === 'link') button.style.color = c.color;
    else button.style.backgroundColor = c.color;
  }
  applyCommon(wrapper, { ...c, action: undefined }, parentLayout);
  button.addEventListener('click', () => performAction(c.action));
  wrapper.append(button);
  return wrapper;
}

function renderImage(c, parentLayout) {
  const wrapper = el('div', 'fx-image');
  if (c.aspectMode === 'cover') wrapper.classList.add('fx-cover');
  const frame = el('div');
  frame.style.width = measure(c.size ?? 'md', IMAGE_SIZE);
  const span = el('span');
  span.style.backgroundImage = `url("${String(c.url ?? '').replace(/"/g, '%22')}")`;
  const [w, h] = String(c.aspectRatio ?? '1:1').split(':').map(Number);
  if (w && h) span.style.paddingBottom = `${(h / w) * 100}%`;
  if (c.backgroundColor) span.style.backgroundColor = c.backgroundColor;
  frame.append(span);
  wrapper.append(frame);
  if (c.align === 'start') wrapper.style.alignItems = 'flex-start';
  if (c.align === 'end') wrapper.style.alignItems = 'flex-end';
  applyCommon(wrapper, c, parentLayout);
  return wrapper;
}

function renderComponent(c, parentLayout) {
  switch (c?.type) {
    case 'box':
      return renderBox(c, parentLayout);
    case 'text':
      return renderText(c, parentLayout);
    case 'button':
      return renderButton(c, parentLayout);
    case 'separator': {
      const sep = el('div', 'fx-separator');
      if (c.color) sep.style.borderColor = c.color;
      applyCommon(sep, c, parentLayout);
      return sep;
    }
    case 'filler': {
      const filler = el('div', 'fx-filler');
      if (c.flex !== undefined) filler.style.flex = `${c.flex} 0 0`;
      return filler;
    }
    case 'spacer': {
      const spacer = el('div', 'fx-spacer');
      const size = measure(c.size ?? 'md', SPACE);
      if (parentLayout === 'vertical') spacer.style.height = size;
      else spacer.style.width = size;
      spacer.style.flex = 'none';
      return spacer;
    }
    case 'image':
      return renderImage(c, parentLayout);
    case 'icon': {
      const icon = el('div', 'fx-icon');
      icon.style.fontSize = measure(c.size ?? 'md', TEXT_SIZE);
      const span = el('span');
      span.style.backgroundImage = `url("${String(c.url ?? '').replace(/"/g, '%22')}")`;
      const [w, h] = String(c.aspectRatio ?? '1:1').split(':').map(Number);
      if (w && h) span.style.width = `${w / h}em`;
      icon.append(span);
      applyCommon(icon, c, parentLayout);
      return icon;
    }
    case 'video':
      return c.altContent ? renderComponent(c.altContent, parentLayout) : el('div');
    default:
      return el('div', 'fx-text', `[${c?.type ?? '?'}]`);
  }
}

function renderBubble(b) {
  const bubble = el('div', `fx-bubble fx-${b.size ?? 'mega'}`);
  bubble.dataset.testid = 'flex-bubble';
  if (b.direction === 'rtl') bubble.dir = 'rtl';
  const styles = b.styles ?? {};
  let previous = false;
  for (const block of ['header', 'hero', 'body', 'footer']) {
    const content = b[block];
    if (!content) continue;
    const section = el('div', `fx-block fx-${block}`);
    const blockStyle = styles[block] ?? {};
    if (blockStyle.backgroundColor) section.style.backgroundColor = blockStyle.backgroundColor;
    if (blockStyle.separator && previous) section.style.borderTop = `1px solid ${blockStyle.separatorColor ?? '#d4d6da'}`;
    if (block === 'body' && b.footer) section.classList.add('fx-has-footer');
    section.append(renderComponent(content, 'vertical'));
    bubble.append(section);
    previous = true;
  }
  if (b.action) {
    bubble.classList.add('fx-clickable');
    bubble.addEventListener('click', () => performAction(b.action));
  }
  return bubble;
}

function renderFlex(message) {
  const container = message.contents ?? {};
  const holder = el('div', 'flex');
  holder.setAttribute('aria-label', message.altText ?? '');
  if (container.type === 'carousel') {
    const carousel = el('div', 'flex-carousel');
    for (const b of container.contents ?? []) carousel.append(renderBubble(b));
    holder.append(carousel);
  } else {
    holder.append(renderBubble(container));
  }
  return holder;
}

/* ---------------- the talk ---------------- */

function scrollToEnd() {
  talk.scrollTop = talk.scrollHeight;
}

function showDateOnce(at) {
  if (state.dateShown) return;
  state.dateShown = true;
  const d = new Date(at);
  const today = new Date();
  const same = d.toDateString() === today.toDateString();
  talk.append(el('div', 'pill', same ? '今日' : `${d.getMonth() + 1}月${d.getDate()}日`));
}

function messageNode(message) {
  switch (message.type) {
    case 'text': {
      const bubble = el('div', 'bubble bubble--bot');
      bubble.append(linkified(message.text ?? ''));
      bubble.dataset.testid = 'bot-text';
      return bubble;
    }
    case 'flex':
      return renderFlex(message);
    case 'image': {
      const img = el('img', 'media');
      img.src = message.previewImageUrl ?? message.originalContentUrl;
      img.alt = '画像';
      return img;
    }
    case 'sticker':
      return el('div', 'bubble bubble--bot', '（スタンプ）');
    default:
      return el('div', 'bubble bubble--unsupported', message.altText ?? `（${message.type} メッセージ：シミュレーターでは表示できない形式です）`);
  }
}

function addBotMessages(messages, at) {
  removeTyping();
  for (const message of messages) {
    const first = state.lastRow?.kind !== 'bot';
    const row = el('div', `row row--bot${first ? ' row--first' : ''}`);
    row.dataset.testid = 'bot-row';
    row.append(first ? botAvatar() : el('div', 'avatar avatar--spacer'));
    const column = el('div', 'bot-column');
    if (first) column.append(el('div', 'bot-name', BOT_NAME));
    const line = el('div', 'bot-line');
    const meta = el('div', 'meta');
    meta.append(el('span', '', timeLabel(at)));
    line.append(messageNode(message), meta);
    column.append(line);
    row.append(column);
    talk.append(row);
    state.lastRow = { kind: 'bot' };
  }
  state.lastBotMessages = messages;
  const last = messages[messages.length - 1];
  showQuickReplies(last?.quickReply?.items ?? []);
}

function addUserBubble(text, at) {
  hideQuickReplies();
  const first = state.lastRow?.kind !== 'user';
  const row = el('div', `row row--user${first ? ' row--first' : ''}`);
  row.dataset.testid = 'user-row';
  const meta = el('div', 'meta');
  meta.append(el('span', '', '既読'), el('span', '', timeLabel(at)));
  const bubble = el('div', 'bubble bubble--user');
  bubble.append(linkified(text));
  row.append(meta, bubble);
  talk.append(row);
  state.lastRow = { kind: 'user' };
}

function removeTyping() {
  clearTimeout(state.loadingTimer);
  state.typingRow?.remove();
  state.typingRow = undefined;
}

function showTyping(seconds) {
  removeTyping();
  const row = el('div', 'row row--bot row--first');
  row.append(botAvatar());
  const bubble = el('div', 'bubble bubble--bot typing');
  bubble.setAttribute('aria-label', '入力中');
  bubble.append(el('span'), el('span'), el('span'));
  row.append(bubble);
  talk.append(row);
  state.typingRow = row;
  state.loadingTimer = setTimeout(removeTyping, seconds * 1000);
}

/* ---------------- developer panel ---------------- */

const VERDICT_LABEL = { legit: '安全そう', caution: '注意', 'likely-trap': '危険の可能性大' };

function renderTurn(entry) {
  const dl = el('dl', 'dev-grid');
  const row = (label, value) => {
    const dd = el('dd');
    if (value instanceof Node) dd.append(value);
    else dd.textContent = value;
    dl.append(el('dt', '', label), dd);
  };
  row('入力', entry.input.text !== undefined ? entry.input.text.slice(0, 120) : `postback: ${entry.input.postback ?? ''}`);
  const intent = el('span', 'badge', entry.intent);
  intent.dataset.testid = 'dev-intent';
  row('意図', intent);
  if (entry.verdict) {
    const v = entry.verdict;
    const verdict = el('span');
    verdict.append(el('span', `badge badge--${v.level}`, `${VERDICT_LABEL[v.level] ?? v.level}（${v.level}）`), ` スコア ${v.score}`);
    row('判定', verdict);
    const flags = el('ul', 'flags');
    for (const f of v.flags ?? []) {
      const li = el('li');
      li.append(el('span', `flag-dot flag-dot--${f.kind}`), `${f.kind === 'red' ? '赤' : '緑'}：${f.label}`);
      if (f.evidence) li.append(el('span', 'flag-evidence', `「${f.evidence}」 → ${f.chunkId}`));
      flags.append(li);
    }
    if (!flags.childElementCount) flags.append(el('li', '', '（フラグなし）'));
    row('フラグ', flags);
  }
  const chunks = el('ul', 'chunks');
  const scores = new Map((entry.debug?.chunks ?? []).map((c) => [c.id, c.score]));
  const listed = new Set();
  for (const s of entry.sources ?? []) {
    const li = el('li');
    li.append(el('span', 'chunk-id', s.id), ` ${s.title}`);
    if (scores.has(s.id)) li.append(el('span', 'chunk-score', `（スコア ${scores.get(s.id)}）`));
    li.append(el('span', 'flag-evidence', s.source));
    chunks.append(li);
    listed.add(s.id);
  }
  for (const [id, score] of scores) {
    if (listed.has(id)) continue;
    const li = el('li');
    li.append(el('span', 'chunk-id', id), el('span', 'chunk-score', `（検索スコア ${score}）`));
    chunks.append(li);
  }
  if (!chunks.childElementCount) chunks.append(el('li', '', '（なし）'));
  row('ナレッジ', chunks);
  const extra = Object.fromEntries(Object.entries(entry.debug ?? {}).filter(([k]) => k !== 'chunks'));
  if (Object.keys(extra).length > 0) {
    const pre = el('pre', '', JSON.stringify(extra, null, 2));
    pre.style.margin = '0';
    pre.style.fontSize = '11px';
    pre.style.whiteSpace = 'pre-wrap';
    row('デバッグ', pre);
  }
  $('dev-latest').replaceChildren(dl);

  const history = el('li', '', `${timeLabel(entry.at)} ${entry.intent}${entry.verdict ? ` / ${VERDICT_LABEL[entry.verdict.level] ?? entry.verdict.level}` : ''} — ${(entry.input.text ?? entry.input.postback ?? '').slice(0, 40)}`);
  $('dev-history').prepend(history);
}

/* ---------------- the stream ---------------- */

function resetTalk() {
  removeTyping();
  hideQuickReplies();
  talk.replaceChildren($('connection-notice'));
  $('dev-latest').replaceChildren(el('p', 'panel__hint', 'メッセージを送ると、判定された意図・判定のフラグ・使われたナレッジがここに出ます。'));
  $('dev-history').replaceChildren();
  $('dev-raw-json').textContent = '（まだありません）';
  state.lastRow = undefined;
  state.dateShown = false;
  state.replayed = false;
}

function onEntry(entry) {
  if (entry.kind !== 'turn' && entry.kind !== 'loading') showDateOnce(entry.at);
  switch (entry.kind) {
    case 'follow':
      talk.append(el('div', 'pill', `${BOT_NAME}を友だち追加しました`));
      state.lastRow = { kind: 'system' };
      break;
    case 'user-text':
      addUserBubble(entry.text, entry.at);
      break;
    case 'user-image':
      addUserBubble('📷 画像', entry.at);
      break;
    case 'user-postback':
      // LINE shows a postback only through its displayText.
      if (entry.displayText) addUserBubble(entry.displayText, entry.at);
      else hideQuickReplies();
      break;
    case 'bot':
      addBotMessages(entry.messages, entry.at);
      $('dev-raw-json').textContent = JSON.stringify({ [entry.via === 'reply' ? 'replyMessage' : 'pushMessage']: { messages: entry.messages } }, null, 2);
      break;
    case 'loading':
      if (Date.now() - entry.at < entry.seconds * 1000) showTyping(entry.seconds - (Date.now() - entry.at) / 1000);
      break;
    case 'turn':
      renderTurn(entry);
      break;
  }
  if (state.replayed) scrollToEnd();
}

function connect() {
  state.stream?.close();
  resetTalk();
  const notice = $('connection-notice');
  const stream = new EventSource(`/simulator/stream?userId=${encodeURIComponent(state.userId)}`);
  state.stream = stream;
  stream.addEventListener('ready', (event) => {
    const info = JSON.parse(event.data);
    const mode = info.mode === 'local' ? 'ローカルモード' : 'LINE接続中（SIMULATOR=on）';
    $('runtime-status').textContent = `${mode} ・ LLM: ${info.llm === 'openai' ? 'OpenAI互換' : 'オフライン'} ・ ストア: ${info.store}`;
    notice.hidden = info.capturing;
    if (!info.capturing) notice.textContent = 'このサーバーはLINEへの送信を取り込んでいないため、返信を表示できません（ローカルモードで起動してください）。';
  });
  stream.addEventListener('entry', (event) => onEntry(JSON.parse(event.data)));
  stream.addEventListener('replayed', () => {
    if (!state.replayed) {
      state.replayed = true;
      scrollToEnd();
      // A user seen for the first time "adds the bot as a friend": the server sends a follow event.
      void send({});
    }
  });
  stream.addEventListener('open', () => {
    if (notice.dataset.disconnected) {
      notice.hidden = true;
      delete notice.dataset.disconnected;
    }
  });
  stream.addEventListener('error', () => {
    notice.textContent = 'サーバーとの接続が切れました。再接続しています…';
    notice.dataset.disconnected = 'true';
    notice.hidden = false;
  });
}

/* ---------------- rich menu ---------------- */

async function loadRichMenu() {
  try {
    const res = await fetch('/simulator/richmenu');
    if (!res.ok) return;
    const menu = await res.json();
    const image = $('richmenu-image');
    image.style.backgroundImage = `url("${menu.imageUrl}")`;
    image.style.aspectRatio = `${menu.size.width} / ${menu.size.height}`;
    for (const area of menu.areas) {
      const button = el('button', 'richmenu__area');
      button.type = 'button';
      button.title = area.action.label ?? area.action.text ?? '';
      button.setAttribute('aria-label', button.title);
      button.style.left = `${(area.bounds.x / menu.size.width) * 100}%`;
      button.style.top = `${(area.bounds.y / menu.size.height) * 100}%`;
      button.style.width = `${(area.bounds.width / menu.size.width) * 100}%`;
      button.style.height = `${(area.bounds.height / menu.size.height) * 100}%`;
      button.addEventListener('click', () => performAction(area.action));
      image.append(button);
    }
    $('richmenu-bar-text').textContent = menu.chatBarText;
    $('richmenu').hidden = false;
    const toggle = $('richmenu-toggle');
    const setOpen = (open) => {
      image.dataset.collapsed = String(!open);
      toggle.setAttribute('aria-expanded', String(open));
      toggle.querySelector('.richmenu__caret').textContent = open ? '▾' : '▴';
    };
    toggle.addEventListener('click', () => setOpen(image.dataset.collapsed === 'true'));
    // As in LINE, typing takes the menu's place; the bar brings it back.
    input.addEventListener('focus', () => setOpen(false));
  } catch {
    // The page works without the rich menu.
  }
}

/* ---------------- invitation samples ---------------- */

// Written for the simulator: one of each kind the adviser tells apart.
const SAMPLES = [
  {
    label: '例：強引な誘い',
    text:
      '久しぶり！元気にしてる？\n' +
      '今度の日曜の朝7時から、すごく成功してる経営者の先輩が主催してる朝活があるんだけど来ない？参加費は無料だよ。\n' +
      '人生変わるくらい面白い話が聞けるし、不労所得の仕組みも教えてもらえるよ。終わったら先輩の事務所に移動してお茶する予定。\n' +
      '誰か友達も誘ってきてね！詳しいことは会ってから話すね。',
  },
  {
    label: '例：商工会の交流会',
    text:
      '【若手経営者交流会のご案内】\n' +
      '日時：6月20日（金）19:00〜21:00\n' +
      '会場：市民会館 3階 会議室A\n' +
      '参加費：3,000円（軽食・ソフトドリンク付き）\n' +
      '主催：市商工会 青年部\n' +
      'お申込みは商工会ウェブサイトのフォームから。\n' +
      '※営業・勧誘目的でのご参加はお断りしています。',
  },
  {
    label: '例：カフェ会',
    text:
      '来週の土曜にカフェ会やるんだけど来ない？\n' +
      '参加費は1000円でドリンク付き。いろんな業種の人が来るよ。\n' +
      '主催は最近知り合った人で、夢を語り合う会なんだって。',
  },
];

function renderSamples() {
  const box = $('invitation-samples');
  for (const sample of SAMPLES) {
    const button = el('button', 'sample', sample.label);
    button.type = 'button';
    button.addEventListener('click', () => {
      /** @type {HTMLTextAreaElement} */ ($('forward-text')).value = sample.text;
    });
    box.append(button);
  }
}

/* ---------------- wiring ---------------- */

function autosize() {
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, 120)}px`;
  sendButton.disabled = input.value.trim() === '';
}

/** An image from the file picker goes to the bot the way LINE delivers one: as content it fetches. */
$('composer-image').addEventListener('change', async (event) => {
  const file = /** @type {HTMLInputElement} */ (event.target).files?.[0];
  /** @type {HTMLInputElement} */ (event.target).value = '';
  if (!file) return;
  if (file.size > 10 * 1024 * 1024) {
    toast('画像が大きすぎます（10MBまで）');
    return;
  }
  const base64 = await new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
  hideQuickReplies();
  await send({ image: base64 });
});

$('composer').addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = input.value;
  if (!text.trim()) return;
  input.value = '';
  autosize();
  if (!(await sendText(text))) input.value = text;
});
input.addEventListener('input', autosize);
input.addEventListener('keydown', (event) => {
  // Enter sends, Shift+Enter breaks the line; Enter that confirms IME conversion does neither.
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
    event.preventDefault();
    $('composer').requestSubmit();
  }
});

$('forward-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const area = /** @type {HTMLTextAreaElement} */ ($('forward-text'));
  if (!area.value.trim()) {
    toast('転送する招待文を入力してください');
    return;
  }
  if (await sendText(area.value)) area.value = '';
});

userSelect.addEventListener('change', () => switchUser(userSelect.value));
$('user-new').addEventListener('click', () => switchUser(addUser().id));

renderSamples();
void loadRichMenu();
if (state.users.length === 0) addUser();
const remembered = localStorage.getItem(CURRENT_KEY);
switchUser(state.users.some((u) => u.id === remembered) ? remembered : state.users[0].id);
