// The walkthrough webview: renders the view the extension sends and posts the user's actions back.
// Plain DOM: text only through textContent, the diagram through SVG DOM calls, no inline handlers,
// no innerHTML. The extension validates every message; this page holds no credentials.
// Bundled by esbuild into media/dist/walkthrough.js (an IIFE); the messages are typed by
// src/domain/walkthroughProtocol.ts (types only: nothing of the domain runs here).
import type { ExtensionMessage, WebviewMessage } from '../../domain/walkthroughProtocol';
import { diagram } from './diagram';
import { button, el, icon, isTextInput } from './dom';
import type { IconName } from './icons';

type WalkthroughView = Extract<ExtensionMessage, { type: 'view' }>['view'];
type FieldView = WalkthroughView['fields'][number];
type ActionView = WalkthroughView['actions'][number];
type StepOutcome = NonNullable<WalkthroughView['outcome']>;
type StepStatus = WalkthroughView['steps'][number]['status'];
type BannerLevel = 'error' | 'warning' | 'ok' | 'info';

/** UI-only state kept by VS Code across hide/show and reloads: the last view and what is expanded. */
interface SavedState {
  readonly view: WalkthroughView | null;
  readonly expanded: readonly string[];
}

declare function acquireVsCodeApi(): { postMessage(m: WebviewMessage): void; getState(): unknown; setState(s: SavedState): void };

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
const noticeEl = document.getElementById('notice')!;

const saved = (vscode.getState() || {}) as { view?: WalkthroughView; expanded?: unknown };
let view: WalkthroughView | null = saved.view || null;
const expanded = new Set<string>(Array.isArray(saved.expanded) ? (saved.expanded as string[]) : []);
const timers = new Map<string, ReturnType<typeof setTimeout>>();

function persist(): void {
  vscode.setState({ view, expanded: Array.from(expanded) });
}

function post(message: WebviewMessage): void {
  vscode.postMessage(message);
}

// ------------------------------------------------------------------ rendering

function render(): void {
  if (!view) return;
  const active = document.activeElement;
  const focusKey = active && active.getAttribute ? active.getAttribute('data-focus-key') : null;
  const typed = isTextInput(active) ? { value: active.value, start: active.selectionStart, end: active.selectionEnd } : null;
  const scroll = window.scrollY;

  const busy = !!view.busy;
  const root = el('div', { class: 'wt' + (busy ? ' is-busy' : ''), 'aria-busy': busy ? 'true' : 'false' }, [
    header(view),
    el('div', { class: 'layout' }, [stepper(view), content(view)]),
  ]);
  app.replaceChildren(root);

  if (focusKey) {
    const again = app.querySelector<HTMLElement>('[data-focus-key="' + CSS.escape(focusKey) + '"]');
    if (again && !(again as HTMLButtonElement).disabled) {
      if (typed && isTextInput(again)) {
        again.value = typed.value;
        try {
          again.setSelectionRange(typed.start, typed.end);
        } catch {
          /* not a text input */
        }
      }
      again.focus();
    }
  }
  window.scrollTo(0, scroll);
}

function header(v: WalkthroughView): HTMLElement {
  return el('header', { class: 'top' }, [
    el('div', { class: 'heading' }, [el('h1', { text: 'Aurora access path' }), el('p', { class: 'summary', text: v.summary })]),
    el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Walkthrough' }, [
      button('', {
        class: 'icon-button',
        icon: 'refresh',
        title: 'Read the account again',
        ariaLabel: 'Read the account again',
        disabled: !!v.busy,
        action: 'refresh',
        onClick: () => post({ type: 'refresh' }),
      }),
      button('', {
        class: 'icon-button',
        icon: 'discard',
        title: 'Start over',
        ariaLabel: 'Start over',
        disabled: !!v.busy,
        action: 'reset',
        onClick: () => post({ type: 'reset' }),
      }),
      button('', {
        class: 'icon-button',
        icon: 'output',
        title: 'Show the log of AWS calls',
        ariaLabel: 'Show the log of AWS calls',
        action: 'log',
        onClick: () => post({ type: 'showLog' }),
      }),
    ]),
  ]);
}

function stepIcon(status: StepStatus): SVGSVGElement {
  if (status === 'done') return icon('pass-filled', 'ok');
  if (status === 'error') return icon('error', 'bad');
  if (status === 'current') return icon('circle-large-filled', 'current');
  return icon('circle-large', 'todo');
}

function stepper(v: WalkthroughView): HTMLElement {
  const list = el('ol', { class: 'steps' });
  for (const s of v.steps) {
    const current = s.id === v.step;
    const b = el(
      'button',
      {
        type: 'button',
        class: 'step step-' + s.status + (current ? ' is-current' : ''),
        'aria-current': current ? 'step' : undefined,
        disabled: !s.reachable || !!v.busy,
        'data-focus-key': 'step-' + s.id,
        title: s.reachable ? undefined : 'Complete the steps before it first',
      },
      [stepIcon(s.status), el('span', { class: 'step-number', text: String(s.number) }), el('span', { class: 'step-title', text: s.title })],
    );
    b.addEventListener('click', () => post({ type: 'goto', step: s.id }));
    list.append(el('li', null, [b]));
  }
  return el('nav', { class: 'stepper', 'aria-label': 'Steps' }, [list]);
}

function content(v: WalkthroughView): HTMLElement {
  const main = el('main', { class: 'content', 'aria-labelledby': 'step-heading' });
  if (v.busy) main.append(el('div', { class: 'progress', role: 'progressbar', 'aria-label': v.busy }, [el('div', { class: 'progress-bit' })]));
  main.append(
    el('p', { class: 'eyebrow', text: 'Step ' + v.number + ' of ' + v.total }),
    el('h2', { id: 'step-heading', text: v.where ? v.title + ' ' : v.title }, v.where ? [el('span', { class: 'where', text: v.where })] : []),
    el('p', { class: 'explanation', text: v.explanation }),
    el('blockquote', { class: 'quote' }, [
      el('span', { class: 'quote-source', text: 'Aurora User Guide, Security Group Scenario' }),
      el('p', { text: v.quote }),
    ]),
  );
  if (v.loadError) main.append(banner('error', v.loadError));
  if (v.staleNote) main.append(banner('warning', v.staleNote));
  if (v.previous) main.append(outcomeBanner('Step ' + (v.number - 1) + ' (' + v.previous.title + ') applied', v.previous.outcome));
  if (v.outcome) {
    const title = v.step === 'verify' ? (v.outcome.error ? 'Not verified' : 'Verified') : v.outcome.error ? 'This step stopped' : 'Applied';
    main.append(outcomeBanner(title, v.outcome));
  }
  main.append(diagram(v.diagram));
  if (v.fields.length) main.append(form(v));
  if (v.errors.length)
    main.append(
      el(
        'div',
        { class: 'messages' },
        v.errors.map((t) => banner('error', t)),
      ),
    );
  if (v.notes.length)
    main.append(
      el(
        'div',
        { class: 'messages' },
        v.notes.map((n) => banner(n.level, n.text)),
      ),
    );
  if (v.verification) main.append(verification(v.verification));
  main.append(plan(v));
  main.append(footer(v));
  if (v.busy) main.append(el('p', { class: 'busy-text', role: 'status', text: v.busy }));
  return main;
}

function banner(level: BannerLevel, text: string): HTMLElement {
  const name: IconName = level === 'error' ? 'error' : level === 'warning' ? 'warning' : level === 'ok' ? 'pass-filled' : 'info';
  return el('div', { class: 'banner banner-' + level, role: level === 'error' ? 'alert' : undefined }, [icon(name), el('span', { text })]);
}

function outcomeBanner(title: string, o: StepOutcome): HTMLElement {
  const failed = !!o.error;
  const box = el('section', { class: 'banner-block ' + (failed ? 'banner-error' : 'banner-ok'), 'aria-label': title });
  box.append(el('div', { class: 'banner-title' }, [icon(failed ? 'error' : 'pass-filled'), el('strong', { text: title })]));
  if (failed) box.append(el('p', { text: o.error }));
  if (o.applied && o.applied.length) {
    if (failed) box.append(el('p', { class: 'muted', text: 'Done before the error (it stays in AWS and is reused when you apply again):' }));
    box.append(
      el(
        'ul',
        null,
        o.applied.map((t) => el('li', { text: t })),
      ),
    );
  } else if (failed) {
    box.append(el('p', { class: 'muted', text: 'Nothing was changed in AWS.' }));
  }
  return box;
}

// ------------------------------------------------------------------ form

function form(v: WalkthroughView): HTMLElement {
  const f = el('section', { class: 'form', 'aria-label': 'Choices' });
  for (const field of v.fields) f.append(fieldRow(field, !!v.busy));
  return f;
}

function fieldRow(field: FieldView, busy: boolean): HTMLElement {
  const id = 'field-' + field.field;
  const helpId = id + '-help';
  const errId = id + '-error';
  const described = [field.help ? helpId : null, field.error ? errId : null].filter(Boolean).join(' ') || undefined;
  let control: HTMLSelectElement | HTMLInputElement;
  if (field.kind === 'select') {
    const select = el('select', {
      id,
      class: 'select' + (field.error ? ' invalid' : ''),
      'aria-describedby': described,
      'aria-invalid': field.error ? 'true' : undefined,
      disabled: busy,
      'data-focus-key': id,
    });
    const values = field.options.map((o) => o.value);
    if (!values.includes(field.value)) select.append(el('option', { value: field.value, text: field.value ? field.value : 'Choose…' }));
    for (const o of field.options) select.append(el('option', { value: o.value, text: o.description ? o.label + ' — ' + o.description : o.label }));
    select.value = field.value;
    select.addEventListener('change', () => post({ type: 'update', field: field.field, value: select.value }));
    control = select;
  } else {
    const input = el('input', {
      id,
      type: 'text',
      class: 'input' + (field.error ? ' invalid' : ''),
      placeholder: field.placeholder,
      spellcheck: 'false',
      autocomplete: 'off',
      'aria-describedby': described,
      'aria-invalid': field.error ? 'true' : undefined,
      disabled: busy,
      'data-focus-key': id,
    });
    input.value = field.value;
    const send = () => {
      clearTimeout(timers.get(field.field));
      timers.delete(field.field);
      post({ type: 'update', field: field.field, value: input.value });
    };
    input.addEventListener('input', () => {
      clearTimeout(timers.get(field.field));
      timers.set(field.field, setTimeout(send, 350));
    });
    input.addEventListener('change', send);
    control = input;
  }
  const noRegion = field.kind === 'select' && field.field === 'region' && field.options.length === 0;
  return el('div', { class: 'field' }, [
    el('label', { for: id, text: field.label }),
    control,
    noRegion
      ? button('Select Regions…', {
          icon: 'globe',
          class: 'button secondary small field-button',
          action: 'select-regions',
          onClick: () => post({ type: 'selectRegions' }),
        })
      : null,
    field.error ? el('div', { id: errId, class: 'field-error', role: 'alert' }, [icon('error'), el('span', { text: field.error })]) : null,
    field.help ? el('div', { id: helpId, class: 'field-help', text: field.help }) : null,
  ]);
}

// ------------------------------------------------------------------ plan (the calls, with CLI)

function plan(v: WalkthroughView): HTMLElement {
  const sec = el('section', { class: 'plan', 'aria-labelledby': 'plan-heading' });
  const verify = v.step === 'verify';
  const title = verify ? 'What is read' : v.actions.some((a) => a.status === 'todo') ? 'What will be sent' : 'AWS calls';
  sec.append(el('h3', { id: 'plan-heading', text: title }));
  if (!v.actions.length) {
    sec.append(
      el('p', { class: 'muted', text: v.step === 'target' ? 'Nothing is sent in this step: it only reads the account.' : 'Nothing to send in this step.' }),
    );
    return sec;
  }
  const list = el('ul', { class: 'actions' });
  for (const a of v.actions) list.append(actionItem(v, a));
  sec.append(list);
  // Say what is copied: this step's commands, or every step's still to do (with feedback in the notice).
  const row = el('div', { class: 'copy-row' });
  if (v.actions.filter((a) => a.cli && a.status !== 'exists').length > 1)
    row.append(
      button("Copy this step's commands", {
        icon: 'copy',
        class: 'button secondary small',
        action: 'copy-all',
        onClick: () => post({ type: 'copy', step: v.step, index: -1 }),
      }),
    );
  row.append(
    button('Copy every remaining step as a shell script', {
      icon: 'terminal',
      class: 'button secondary small',
      action: 'copy-script',
      onClick: () => post({ type: 'copy', step: v.step, index: -2 }),
    }),
    // The same remaining steps as infrastructure code (groups created here referred to by resource).
    button('Copy as CloudFormation', {
      icon: 'copy',
      class: 'button secondary small',
      action: 'copy-cloudformation',
      onClick: () => post({ type: 'copyCode', step: v.step, format: 'cloudformation' }),
    }),
    button('Copy as Terraform', {
      icon: 'copy',
      class: 'button secondary small',
      action: 'copy-terraform',
      onClick: () => post({ type: 'copyCode', step: v.step, format: 'terraform' }),
    }),
  );
  sec.append(row);
  return sec;
}

function actionItem(v: WalkthroughView, a: ActionView): HTMLElement {
  const statusIcon = a.status === 'todo' ? icon('add', 'todo-icon') : a.status === 'exists' ? icon('check', 'ok') : icon('json', 'muted-icon');
  const badge = a.status === 'todo' ? 'will be sent' : a.status === 'exists' ? 'exists, reused' : 'read only';
  const li = el('li', { class: 'action action-' + a.status }, [
    el('div', { class: 'action-head' }, [
      statusIcon,
      el('span', { class: 'action-text', text: a.sentence }),
      el('span', { class: 'badge badge-' + a.status, text: badge }),
    ]),
  ]);
  if (a.operation) {
    const key = v.step + ':' + a.index;
    const details = el('details', { class: 'call', open: expanded.has(key) });
    details.append(
      el('summary', { 'data-focus-key': 'call-' + key }, [
        el('span', { class: 'op', text: a.service + ' ' + a.operation }),
        el('span', { class: 'muted', text: ' · API call' }),
      ]),
    );
    details.append(el('pre', { class: 'code' }, [el('code', { text: a.input })]));
    details.addEventListener('toggle', () => {
      if (details.open) expanded.add(key);
      else expanded.delete(key);
      persist();
    });
    li.append(details);
  }
  if (a.cli) {
    li.append(
      el('div', { class: 'cli' }, [
        el('pre', { class: 'code cli-code', 'aria-label': 'AWS CLI command' }, [el('code', { text: a.cli })]),
        button('', {
          class: 'icon-button copy',
          icon: 'copy',
          title: 'Copy the AWS CLI command',
          ariaLabel: 'Copy the AWS CLI command: ' + a.sentence,
          action: 'copy',
          onClick: () => post({ type: 'copy', step: v.step, index: a.index }),
        }),
      ]),
    );
  }
  return li;
}

// ------------------------------------------------------------------ verification

function verification(v: NonNullable<WalkthroughView['verification']>): HTMLElement {
  const sec = el('section', { class: 'verification', 'aria-labelledby': 'verify-heading' });
  sec.append(
    el('h3', { id: 'verify-heading' }, [
      icon(v.ok ? 'pass-filled' : 'error', v.ok ? 'ok' : 'bad'),
      el('span', { text: v.ok ? 'The path is open' : 'The path is not open yet' }),
    ]),
  );
  const hops = el('ol', { class: 'hops' });
  for (const h of v.hops) {
    const state = h.skipped ? 'skipped' : h.ok ? 'ok' : 'bad';
    hops.append(
      el('li', { class: 'hop hop-' + state }, [
        icon(h.skipped ? 'circle-slash' : h.ok ? 'pass-filled' : 'error', state),
        el('div', null, [el('div', { class: 'hop-label', text: h.label }), el('div', { class: 'hop-detail', text: h.detail })]),
      ]),
    );
  }
  sec.append(hops);
  sec.append(el('h4', { text: 'Anything else that can reach the database' + (v.port ? ' on tcp ' + v.port : '') }));
  if (!v.others.length) {
    sec.append(el('p', { class: 'muted', text: "Nothing else: the database's groups have no other inbound rule on its port." }));
  } else {
    const others = el('ul', { class: 'others' });
    for (const o of v.others) {
      const name: IconName = o.severity === 'danger' ? 'error' : o.severity === 'warning' ? 'warning' : 'info';
      others.append(
        el('li', { class: 'other other-' + o.severity }, [
          icon(name, o.severity),
          el('span', { text: o.text }),
          el('span', { class: 'muted', text: ' · ' + o.groupName + ' · ' + o.ruleId }),
        ]),
      );
    }
    sec.append(others);
  }
  return sec;
}

// ------------------------------------------------------------------ footer

function footer(v: WalkthroughView): HTMLElement {
  const primary = button(v.primary.label, {
    class: 'button primary',
    icon: v.step === 'verify' ? 'pass' : /^Apply/.test(v.primary.label) ? 'play' : 'check',
    disabled: !v.primary.enabled,
    action: 'primary',
    onClick: () => post({ type: 'apply', step: v.step, planKey: v.planKey }),
  });
  primary.setAttribute('data-focus-key', 'primary');
  const backBtn = button('Back', { icon: 'arrow-left', disabled: !v.canBack, action: 'back', onClick: () => post({ type: 'back' }) });
  backBtn.setAttribute('data-focus-key', 'back');
  // Moving on without applying looks like navigation, not like the step's action (issue 14 item 10):
  // a secondary button that names the step it goes to, beside Back.
  const nextBtn = v.canNext
    ? button(`Go to step ${v.number + 1}`, { icon: 'debug-step-over', class: 'button secondary', action: 'next', onClick: () => post({ type: 'next' }) })
    : null;
  if (nextBtn) nextBtn.setAttribute('data-focus-key', 'next');
  return el('footer', { class: 'footer' }, [backBtn, nextBtn, el('span', { class: 'spacer' }), primary]);
}

// ------------------------------------------------------------------ messages from the extension

let noticeTimer: ReturnType<typeof setTimeout> | undefined;
function showNotice(level: 'info' | 'error', text: string): void {
  noticeEl.replaceChildren(icon(level === 'error' ? 'error' : 'info'), el('span', { text }));
  noticeEl.className = 'notice is-visible notice-' + level;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(
    () => {
      noticeEl.className = 'notice';
    },
    level === 'error' ? 8000 : 3500,
  );
}

/** Only the two shapes the extension sends are taken. */
window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const m = event.data as Partial<Record<string, unknown>> | null;
  if (!m || typeof m !== 'object') return;
  if (m.type === 'view' && m.view && typeof m.view === 'object' && Array.isArray((m.view as { steps?: unknown }).steps)) {
    view = m.view as WalkthroughView;
    persist();
    render();
  } else if (m.type === 'notice' && typeof m.text === 'string') {
    showNotice(m.level === 'error' ? 'error' : 'info', m.text);
  }
});

if (view) render();
post({ type: 'ready' });
