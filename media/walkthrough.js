// The walkthrough webview: renders the view the extension sends and posts the user's actions back.
// Plain DOM: text only through textContent, the diagram through SVG DOM calls, no inline handlers,
// no innerHTML. The extension validates every message; this page holds no credentials.
// Messages: see src/domain/walkthroughProtocol.ts.
(function () {
  'use strict';

  const vscode = acquireVsCodeApi();
  const ICONS = window.AURORA_SG_ICONS || {};
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const app = document.getElementById('app');
  const noticeEl = document.getElementById('notice');

  /** UI-only state kept by VS Code across hide/show and reloads: the last view and what is expanded. */
  const saved = vscode.getState() || {};
  let view = saved.view || null;
  let expanded = new Set(Array.isArray(saved.expanded) ? saved.expanded : []);
  const timers = new Map();

  function persist() {
    vscode.setState({ view: view, expanded: Array.from(expanded) });
  }

  function post(message) {
    vscode.postMessage(message);
  }

  // ------------------------------------------------------------------ DOM helpers

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === 'class') node.className = v;
        else if (k === 'text') node.textContent = v;
        else if (k === 'hidden') node.hidden = true;
        else if (k === 'disabled') node.disabled = true;
        else node.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (const c of children || []) {
      if (c === null || c === undefined || c === false) continue;
      node.append(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return node;
  }

  function svg(tag, attrs, children) {
    const node = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null) continue;
      if (k === 'text') node.textContent = v;
      else node.setAttribute(k, String(v));
    }
    for (const c of children || []) if (c) node.append(c);
    return node;
  }

  /** A codicon as inline SVG (16x16, currentColor). */
  function icon(name, cls) {
    const paths = ICONS[name] || [];
    const s = svg('svg', { class: 'icon' + (cls ? ' ' + cls : ''), viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true', focusable: 'false' });
    for (const p of paths) s.append(svg('path', { d: p.d, 'fill-rule': p.r, 'clip-rule': p.r }));
    return s;
  }

  /** Icon drawn inside the diagram's SVG at (x, y). */
  function iconAt(name, x, y, cls) {
    const g = svg('g', { transform: 'translate(' + x + ' ' + y + ')', class: cls || 'd-icon' });
    for (const p of ICONS[name] || []) g.append(svg('path', { d: p.d, 'fill-rule': p.r, 'clip-rule': p.r }));
    return g;
  }

  function button(label, opts) {
    const o = opts || {};
    const b = el('button', {
      type: 'button',
      class: o.class || 'button secondary',
      title: o.title,
      'aria-label': o.ariaLabel,
      disabled: o.disabled,
      'data-action': o.action,
    }, [o.icon ? icon(o.icon) : null, label ? el('span', { text: label }) : null]);
    if (o.onClick) b.addEventListener('click', o.onClick);
    return b;
  }

  const truncate = (s, n) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

  // ------------------------------------------------------------------ rendering

  function render() {
    if (!view) return;
    const active = document.activeElement;
    const focusKey = active && active.getAttribute ? active.getAttribute('data-focus-key') : null;
    const typed = active && (active.tagName === 'INPUT' || active.tagName === 'TEXTAREA') ? { value: active.value, start: active.selectionStart, end: active.selectionEnd } : null;
    const scroll = window.scrollY;

    const busy = !!view.busy;
    const root = el('div', { class: 'wt' + (busy ? ' is-busy' : ''), 'aria-busy': busy ? 'true' : 'false' }, [
      header(),
      el('div', { class: 'layout' }, [stepper(), content()]),
    ]);
    app.replaceChildren(root);

    if (focusKey) {
      const again = app.querySelector('[data-focus-key="' + CSS.escape(focusKey) + '"]');
      if (again && !again.disabled) {
        if (typed && (again.tagName === 'INPUT' || again.tagName === 'TEXTAREA')) {
          again.value = typed.value;
          try {
            again.setSelectionRange(typed.start, typed.end);
          } catch (_) {
            /* not a text input */
          }
        }
        again.focus();
      }
    }
    window.scrollTo(0, scroll);
  }

  function header() {
    return el('header', { class: 'top' }, [
      el('div', { class: 'heading' }, [
        el('h1', { text: 'Aurora access path' }),
        el('p', { class: 'summary', text: view.summary }),
      ]),
      el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Walkthrough' }, [
        button('', { class: 'icon-button', icon: 'refresh', title: 'Read the account again', ariaLabel: 'Read the account again', disabled: !!view.busy, action: 'refresh', onClick: () => post({ type: 'refresh' }) }),
        button('', { class: 'icon-button', icon: 'discard', title: 'Start over', ariaLabel: 'Start over', disabled: !!view.busy, action: 'reset', onClick: () => post({ type: 'reset' }) }),
        button('', { class: 'icon-button', icon: 'output', title: 'Show the log of AWS calls', ariaLabel: 'Show the log of AWS calls', action: 'log', onClick: () => post({ type: 'showLog' }) }),
      ]),
    ]);
  }

  function stepIcon(status) {
    if (status === 'done') return icon('pass-filled', 'ok');
    if (status === 'error') return icon('error', 'bad');
    if (status === 'current') return icon('circle-large-filled', 'current');
    return icon('circle-large', 'todo');
  }

  function stepper() {
    const list = el('ol', { class: 'steps' });
    for (const s of view.steps) {
      const current = s.id === view.step;
      const b = el('button', {
        type: 'button',
        class: 'step step-' + s.status + (current ? ' is-current' : ''),
        'aria-current': current ? 'step' : undefined,
        disabled: !s.reachable || !!view.busy,
        'data-focus-key': 'step-' + s.id,
        title: s.reachable ? undefined : 'Complete the steps before it first',
      }, [stepIcon(s.status), el('span', { class: 'step-number', text: String(s.number) }), el('span', { class: 'step-title', text: s.title })]);
      b.addEventListener('click', () => post({ type: 'goto', step: s.id }));
      list.append(el('li', null, [b]));
    }
    return el('nav', { class: 'stepper', 'aria-label': 'Steps' }, [list]);
  }

  function content() {
    const main = el('main', { class: 'content', 'aria-labelledby': 'step-heading' });
    if (view.busy) main.append(el('div', { class: 'progress', role: 'progressbar', 'aria-label': view.busy }, [el('div', { class: 'progress-bit' })]));
    main.append(
      el('p', { class: 'eyebrow', text: 'Step ' + view.number + ' of ' + view.total }),
      el('h2', { id: 'step-heading', text: view.title }),
      el('p', { class: 'explanation', text: view.explanation }),
      el('blockquote', { class: 'quote' }, [el('span', { class: 'quote-source', text: 'Aurora User Guide, Security Group Scenario' }), el('p', { text: view.quote })]),
    );
    if (view.loadError) main.append(banner('error', view.loadError));
    if (view.previous) main.append(outcomeBanner('Step ' + (view.number - 1) + ' (' + view.previous.title + ') applied', view.previous.outcome));
    if (view.outcome) {
      const title = view.step === 'verify' ? (view.outcome.error ? 'Not verified' : 'Verified') : view.outcome.error ? 'This step stopped' : 'Applied';
      main.append(outcomeBanner(title, view.outcome));
    }
    main.append(diagram());
    if (view.fields.length) main.append(form());
    if (view.errors.length) main.append(el('div', { class: 'messages' }, view.errors.map((t) => banner('error', t))));
    if (view.notes.length) main.append(el('div', { class: 'messages' }, view.notes.map((n) => banner(n.level, n.text))));
    if (view.verification) main.append(verification());
    main.append(plan());
    main.append(footer());
    if (view.busy) main.append(el('p', { class: 'busy-text', role: 'status', text: view.busy }));
    return main;
  }

  function banner(level, text) {
    const name = level === 'error' ? 'error' : level === 'warning' ? 'warning' : level === 'ok' ? 'pass-filled' : 'info';
    return el('div', { class: 'banner banner-' + level, role: level === 'error' ? 'alert' : undefined }, [icon(name), el('span', { text: text })]);
  }

  function outcomeBanner(title, o) {
    const failed = !!o.error;
    const box = el('section', { class: 'banner-block ' + (failed ? 'banner-error' : 'banner-ok'), 'aria-label': title });
    box.append(el('div', { class: 'banner-title' }, [icon(failed ? 'error' : 'pass-filled'), el('strong', { text: title })]));
    if (failed) box.append(el('p', { text: o.error }));
    if (o.applied && o.applied.length) {
      if (failed) box.append(el('p', { class: 'muted', text: 'Done before the error (it stays in AWS and is reused when you apply again):' }));
      box.append(el('ul', null, o.applied.map((t) => el('li', { text: t }))));
    } else if (failed) {
      box.append(el('p', { class: 'muted', text: 'Nothing was changed in AWS.' }));
    }
    return box;
  }

  // ------------------------------------------------------------------ form

  function form() {
    const f = el('section', { class: 'form', 'aria-label': 'Choices' });
    for (const field of view.fields) f.append(fieldRow(field));
    return f;
  }

  function fieldRow(field) {
    const id = 'field-' + field.field;
    const helpId = id + '-help';
    const errId = id + '-error';
    const described = [field.help ? helpId : null, field.error ? errId : null].filter(Boolean).join(' ') || undefined;
    let control;
    if (field.kind === 'select') {
      control = el('select', { id: id, class: 'select' + (field.error ? ' invalid' : ''), 'aria-describedby': described, 'aria-invalid': field.error ? 'true' : undefined, disabled: !!view.busy, 'data-focus-key': id });
      const values = field.options.map((o) => o.value);
      if (!values.includes(field.value)) control.append(el('option', { value: field.value, text: field.value ? field.value : 'Choose…' }));
      for (const o of field.options) control.append(el('option', { value: o.value, text: o.description ? o.label + ' — ' + o.description : o.label }));
      control.value = field.value;
      control.addEventListener('change', () => post({ type: 'update', field: field.field, value: control.value }));
    } else {
      control = el('input', {
        id: id,
        type: 'text',
        class: 'input' + (field.error ? ' invalid' : ''),
        placeholder: field.placeholder,
        spellcheck: 'false',
        autocomplete: 'off',
        'aria-describedby': described,
        'aria-invalid': field.error ? 'true' : undefined,
        disabled: !!view.busy,
        'data-focus-key': id,
      });
      control.value = field.value;
      const send = () => {
        clearTimeout(timers.get(field.field));
        timers.delete(field.field);
        post({ type: 'update', field: field.field, value: control.value });
      };
      control.addEventListener('input', () => {
        clearTimeout(timers.get(field.field));
        timers.set(field.field, setTimeout(send, 350));
      });
      control.addEventListener('change', send);
    }
    const noRegion = field.field === 'region' && field.options.length === 0;
    return el('div', { class: 'field' }, [
      el('label', { for: id, text: field.label }),
      control,
      noRegion ? button('Select Regions…', { icon: 'globe', class: 'button secondary small field-button', action: 'select-regions', onClick: () => post({ type: 'selectRegions' }) }) : null,
      field.error ? el('div', { id: errId, class: 'field-error', role: 'alert' }, [icon('error'), el('span', { text: field.error })]) : null,
      field.help ? el('div', { id: helpId, class: 'field-help', text: field.help }) : null,
    ]);
  }

  // ------------------------------------------------------------------ plan (the calls, with CLI)

  function plan() {
    const sec = el('section', { class: 'plan', 'aria-labelledby': 'plan-heading' });
    const verify = view.step === 'verify';
    const title = verify ? 'What is read' : view.actions.some((a) => a.status === 'todo') ? 'What will be sent' : 'AWS calls';
    sec.append(el('h3', { id: 'plan-heading', text: title }));
    if (!view.actions.length) {
      sec.append(el('p', { class: 'muted', text: view.step === 'target' ? 'Nothing is sent in this step: it only reads the account.' : 'Nothing to send in this step.' }));
      return sec;
    }
    const list = el('ul', { class: 'actions' });
    for (const a of view.actions) list.append(actionItem(a));
    sec.append(list);
    if (view.actions.filter((a) => a.cli && a.status !== 'exists').length > 1) {
      sec.append(button('Copy all as a shell script', { icon: 'terminal', class: 'button secondary small', action: 'copy-all', onClick: () => post({ type: 'copy', step: view.step, index: -1 }) }));
    }
    return sec;
  }

  function actionItem(a) {
    const statusIcon = a.status === 'todo' ? icon('add', 'todo-icon') : a.status === 'exists' ? icon('check', 'ok') : icon('json', 'muted-icon');
    const badge = a.status === 'todo' ? 'will be sent' : a.status === 'exists' ? 'exists, reused' : 'read only';
    const li = el('li', { class: 'action action-' + a.status }, [
      el('div', { class: 'action-head' }, [statusIcon, el('span', { class: 'action-text', text: a.sentence }), el('span', { class: 'badge badge-' + a.status, text: badge })]),
    ]);
    if (a.operation) {
      const key = view.step + ':' + a.index;
      const details = el('details', { class: 'call', open: expanded.has(key) });
      details.append(el('summary', { 'data-focus-key': 'call-' + key }, [el('span', { class: 'op', text: a.service + ' ' + a.operation }), el('span', { class: 'muted', text: ' · API call' })]));
      details.append(el('pre', { class: 'code' }, [el('code', { text: a.input })]));
      details.addEventListener('toggle', () => {
        if (details.open) expanded.add(key);
        else expanded.delete(key);
        persist();
      });
      li.append(details);
    }
    if (a.cli) {
      li.append(el('div', { class: 'cli' }, [
        el('pre', { class: 'code cli-code', 'aria-label': 'AWS CLI command' }, [el('code', { text: a.cli })]),
        button('', { class: 'icon-button copy', icon: 'copy', title: 'Copy the AWS CLI command', ariaLabel: 'Copy the AWS CLI command: ' + a.sentence, action: 'copy', onClick: () => post({ type: 'copy', step: view.step, index: a.index }) }),
      ]));
    }
    return li;
  }

  // ------------------------------------------------------------------ verification

  function verification() {
    const v = view.verification;
    const sec = el('section', { class: 'verification', 'aria-labelledby': 'verify-heading' });
    sec.append(el('h3', { id: 'verify-heading' }, [icon(v.ok ? 'pass-filled' : 'error', v.ok ? 'ok' : 'bad'), el('span', { text: v.ok ? 'The path is open' : 'The path is not open yet' })]));
    const hops = el('ol', { class: 'hops' });
    for (const h of v.hops) {
      const state = h.skipped ? 'skipped' : h.ok ? 'ok' : 'bad';
      hops.append(el('li', { class: 'hop hop-' + state }, [
        icon(h.skipped ? 'circle-slash' : h.ok ? 'pass-filled' : 'error', state),
        el('div', null, [el('div', { class: 'hop-label', text: h.label }), el('div', { class: 'hop-detail', text: h.detail })]),
      ]));
    }
    sec.append(hops);
    sec.append(el('h4', { text: 'Anything else that can reach the database' + (v.port ? ' on tcp ' + v.port : '') }));
    if (!v.others.length) {
      sec.append(el('p', { class: 'muted', text: 'Nothing else: the database\'s groups have no other inbound rule on its port.' }));
    } else {
      const others = el('ul', { class: 'others' });
      for (const o of v.others) {
        const name = o.severity === 'danger' ? 'error' : o.severity === 'warning' ? 'warning' : 'info';
        others.append(el('li', { class: 'other other-' + o.severity }, [icon(name, o.severity), el('span', { text: o.text }), el('span', { class: 'muted', text: ' · ' + o.groupName + ' · ' + o.ruleId })]));
      }
      sec.append(others);
    }
    return sec;
  }

  // ------------------------------------------------------------------ footer

  function footer() {
    const primary = button(view.primary.label, {
      class: 'button primary',
      icon: view.step === 'verify' ? 'pass' : /^Apply/.test(view.primary.label) ? 'play' : 'arrow-right',
      disabled: !view.primary.enabled,
      action: 'primary',
      onClick: () => post({ type: 'apply', step: view.step, planKey: view.planKey }),
    });
    primary.setAttribute('data-focus-key', 'primary');
    const backBtn = button('Back', { icon: 'arrow-left', disabled: !view.canBack, action: 'back', onClick: () => post({ type: 'back' }) });
    backBtn.setAttribute('data-focus-key', 'back');
    const nextBtn = view.canNext ? button('Next', { icon: 'arrow-right', action: 'next', onClick: () => post({ type: 'next' }) }) : null;
    if (nextBtn) nextBtn.setAttribute('data-focus-key', 'next');
    return el('footer', { class: 'footer' }, [backBtn, nextBtn, el('span', { class: 'spacer' }), primary]);
  }

  // ------------------------------------------------------------------ diagram

  function diagram() {
    const d = view.diagram;
    const W = 880;
    const H = 124;
    const nodeW = 156;
    const nodeH = 74;
    const gap = (W - 4 * nodeW - 8) / 3;
    const xOf = (i) => 4 + i * (nodeW + gap);
    const y = 36;
    const order = ['clients', 'app', 'db', 'target'];
    const icons = { clients: 'globe', app: 'shield', db: 'shield', target: 'database' };
    const stateWords = { exists: 'in the account', planned: 'will be created', missing: 'not set up' };
    const description = d.edges.map((e) => {
      const from = d.nodes.find((n) => n.id === e.from);
      const to = d.nodes.find((n) => n.id === e.to);
      return from.title + ' to ' + to.title + ', ' + e.label + ': ' + stateWords[e.state];
    }).join('; ');

    const s = svg('svg', { class: 'diagram-svg', viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'Access path. ' + description, preserveAspectRatio: 'xMidYMid meet' });
    s.append(svg('title', { text: 'Access path: ' + description }));
    const defs = svg('defs');
    for (const st of ['exists', 'planned', 'missing']) {
      defs.append(svg('marker', { id: 'arrow-' + st, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 9, markerHeight: 9, markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' }, [svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow arrow-' + st })]));
    }
    s.append(defs);

    d.edges.forEach((e) => {
      const i = order.indexOf(e.from);
      const x1 = xOf(i) + nodeW;
      const x2 = xOf(i + 1);
      const ym = y + nodeH / 2;
      s.append(svg('line', { x1: x1 + 2, y1: ym, x2: x2 - 3, y2: ym, class: 'edge edge-' + e.state + (e.focus ? ' is-focus' : ''), 'marker-end': 'url(#arrow-' + e.state + ')' }));
      s.append(svg('text', { x: (x1 + x2) / 2, y: ym - 8, class: 'edge-label' + (e.focus ? ' is-focus' : ''), 'text-anchor': 'middle', text: e.label }));
      s.append(svg('text', { x: (x1 + x2) / 2, y: ym + 17, class: 'edge-state', 'text-anchor': 'middle', text: e.state === 'exists' ? 'open' : e.state === 'planned' ? 'planned' : '' }));
    });

    order.forEach((id, i) => {
      const n = d.nodes.find((x) => x.id === id);
      const x = xOf(i);
      const g = svg('g', { class: 'node node-' + n.state + (n.focus ? ' is-focus' : '') });
      g.append(svg('rect', { x: x, y: y, width: nodeW, height: nodeH, rx: 4, ry: 4, class: 'node-box' }));
      g.append(iconAt(icons[id], x + 10, y + 10, 'd-icon'));
      g.append(svg('text', { x: x + 32, y: y + 22, class: 'node-title', text: truncate(n.title, 17) }));
      g.append(svg('text', { x: x + 10, y: y + 44, class: 'node-sub', text: truncate(n.subtitle, 21) }));
      if (n.detail) g.append(svg('text', { x: x + 10, y: y + 63, class: 'node-detail', text: truncate(n.detail, 24) }));
      s.append(g);
    });
    // Captions above the boxes: where each part lives.
    const captions = ['outside the VPC', 'app-server group', 'database group', 'Aurora / RDS'];
    captions.forEach((c, i) => s.append(svg('text', { x: xOf(i), y: 22, class: 'caption', text: c })));

    const legend = el('div', { class: 'legend', 'aria-hidden': 'true' }, [
      el('span', { class: 'legend-item legend-exists', text: 'in the account' }),
      el('span', { class: 'legend-item legend-planned', text: 'will be created' }),
      el('span', { class: 'legend-item legend-missing', text: 'not set up yet' }),
    ]);
    return el('section', { class: 'diagram', 'aria-label': 'Access path diagram' }, [s, legend]);
  }

  // ------------------------------------------------------------------ messages from the extension

  let noticeTimer;
  function showNotice(level, text) {
    noticeEl.replaceChildren(icon(level === 'error' ? 'error' : 'info'), el('span', { text: text }));
    noticeEl.className = 'notice is-visible notice-' + level;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(() => {
      noticeEl.className = 'notice';
    }, level === 'error' ? 8000 : 3500);
  }

  /** Only the two shapes the extension sends are taken. */
  window.addEventListener('message', (event) => {
    const m = event.data;
    if (!m || typeof m !== 'object') return;
    if (m.type === 'view' && m.view && typeof m.view === 'object' && Array.isArray(m.view.steps)) {
      view = m.view;
      persist();
      render();
    } else if (m.type === 'notice' && typeof m.text === 'string') {
      showNotice(m.level === 'error' ? 'error' : 'info', m.text);
    }
  });

  if (view) render();
  post({ type: 'ready' });
})();
