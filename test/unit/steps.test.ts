import * as assert from 'node:assert/strict';
import { addRuleSteps, ruleInput, type AddRuleState } from '../../src/commands/addRuleSteps';
import type { Prompter } from '../../src/ui/prompter';
import { runSteps, type Step } from '../../src/ui/steps';
import { BACK, CANCEL, ScriptedPrompter, type Answer } from '../vscode/scripted';
import { APP, FakeAws, fakeContext, R, rejection } from './ops/fakeAws';

interface S {
  a?: string;
  custom?: boolean;
  b?: string;
  c?: string;
  fixed?: string;
}

/** A step asking one text question for `key`, recording what the state held when it was asked. */
function ask(ui: Prompter, key: 'a' | 'b' | 'c', seen: string[], prompts?: (s: S) => boolean): Step<S> {
  return {
    prompts,
    run: async (s, at) => {
      seen.push(`${key}: ${JSON.stringify(s)}`);
      s[key] = await ui.input({ ...at, prompt: key });
    },
  };
}

function wizard(answers: Answer[], first?: Partial<S>) {
  const ui = new ScriptedPrompter(answers);
  const seen: string[] = [];
  const steps: Step<S>[] = [
    { prompts: (s) => s.fixed === undefined, run: async (s, at) => void (s.fixed = await ui.input({ ...at, prompt: 'fixed' })) },
    ask(ui, 'a', seen),
    { prompts: (s) => s.a === 'custom', run: async (s, at) => void ((s.custom = true), (s.b = await ui.input({ ...at, prompt: 'b' }))) },
    ask(ui, 'c', seen),
  ];
  return { ui, seen, run: () => runSteps(ui, 'Wizard', { ...first } as S, steps) };
}

describe('ui/steps: the multi-step input runner', () => {
  it('numbers only the steps that prompt: a step answered beforehand is not counted', async () => {
    const w = wizard(['one', 'three'], { fixed: 'given' });
    assert.deepEqual(await w.run(), { fixed: 'given', a: 'one', c: 'three' });
    assert.deepEqual(w.ui.steps, ['Wizard 1/2', 'Wizard 2/2']);
  });

  it('the total grows when an answer brings a step in', async () => {
    const w = wizard(['f', 'custom', 'two', 'three']);
    await w.run();
    assert.deepEqual(w.ui.steps, ['Wizard 1/3', 'Wizard 2/3', 'Wizard 3/4', 'Wizard 4/4']);
  });

  it('Back skips the steps that did not prompt; on the first step that prompted, Back ends the input', async () => {
    const w = wizard(['one', BACK, 'uno', 'tres'], { fixed: 'given' });
    assert.deepEqual(await w.run(), { fixed: 'given', a: 'uno', c: 'tres' });
    assert.deepEqual(w.ui.steps, ['Wizard 1/2', 'Wizard 2/2', 'Wizard 1/2', 'Wizard 2/2']);
    const first = wizard([BACK], { fixed: 'given' });
    assert.equal((await rejection(first.run())).name, 'BackError');
  });

  it('Back clears what the step returned to and the later steps set, and a moot step stays skipped', async () => {
    const w = wizard(['f', 'custom', 'two', BACK, BACK, 'plain', 'three']);
    assert.deepEqual(await w.run(), { fixed: 'f', a: 'plain', c: 'three' });
    // The second time step a is asked, neither a nor what the custom step set is left.
    assert.deepEqual(w.seen, ['a: {"fixed":"f"}', 'c: {"fixed":"f","a":"custom","custom":true,"b":"two"}', 'a: {"fixed":"f"}', 'c: {"fixed":"f","a":"plain"}']);
    assert.deepEqual(w.ui.steps, ['Wizard 1/3', 'Wizard 2/3', 'Wizard 3/4', 'Wizard 4/4', 'Wizard 3/4', 'Wizard 2/3', 'Wizard 3/3']);
  });

  it('a cancel ends the input with CancelledError', async () => {
    const w = wizard(['f', CANCEL]);
    assert.equal((await rejection(w.run())).name, 'CancelledError');
  });

  it('runs the steps as one prompter session when the prompter has sessions', async () => {
    let sessions = 0;
    const ui = {
      session: async <T>(work: () => Promise<T>) => {
        sessions++;
        return work();
      },
    };
    const s = await runSteps(ui, 'T', { n: 0 }, [{ run: async (st) => void st.n++ }, { run: async (st) => void st.n++ }]);
    assert.deepEqual([s.n, sessions], [2, 1]);
  });
});

describe('commands/addRuleSteps: the add-rule questions', () => {
  async function addRule(answers: Answer[], given: AddRuleState = { groupId: APP }) {
    const { ctx, ui, load } = fakeContext(new FakeAws(), answers);
    const s: AddRuleState = { ...given };
    await runSteps(ctx.ui, 'Add inbound rule', s, addRuleSteps(ctx, R, await load(), false, undefined));
    return { ui, s };
  }

  it('from a group: four steps, five with a custom range', async () => {
    const plain = await addRule(['HTTPS', 'Another security group', 'dbsrv1', 'From the DB']);
    assert.deepEqual(plain.ui.steps, ['Add inbound rule 1/4', 'Add inbound rule 2/4', 'Add inbound rule 3/4', 'Add inbound rule 4/4']);
    assert.deepEqual(ruleInput(plain.s, false), {
      groupId: APP,
      isEgress: false,
      protocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      source: { groupId: 'sg-0a000002' },
      description: 'From the DB',
    });
    const custom = await addRule(['Custom UDP port or range…', '5000-5010', 'IPv4 or IPv6 CIDR range', '10.0.0.0/8', '']);
    assert.deepEqual(custom.ui.steps.at(-1), 'Add inbound rule 5/5');
    assert.deepEqual(ruleInput(custom.s, false).fromPort, 5000);
  });

  it('from the palette: the group is step 1 of 5; a description given as an argument is not asked', async () => {
    const r = await addRule(['appsrv1', 'SSH', 'IPv4 or IPv6 CIDR range', '10.0.0.0/8'], { description: 'given' });
    assert.deepEqual(r.ui.steps, ['Add inbound rule 1/4', 'Add inbound rule 2/4', 'Add inbound rule 3/4', 'Add inbound rule 4/4']);
    const all = await addRule(['appsrv1', 'SSH', 'IPv4 or IPv6 CIDR range', '10.0.0.0/8', ''], {});
    assert.deepEqual(all.ui.steps[0], 'Add inbound rule 1/5');
  });

  it('declining "AWS will store X as Y" asks for the CIDR again, not for the protocol', async () => {
    const r = await addRule(['HTTPS', 'IPv4 or IPv6 CIDR range', '192.0.2.77/24', false, '192.0.2.77/24', true, '']);
    assert.deepEqual(
      r.ui.confirms.map((c) => c.message),
      ['AWS will store 192.0.2.77/24 as 192.0.2.0/24.', 'AWS will store 192.0.2.77/24 as 192.0.2.0/24.'],
    );
    assert.deepEqual(r.ui.steps, ['Add inbound rule 1/4', 'Add inbound rule 2/4', 'Add inbound rule 3/4', 'Add inbound rule 3/4', 'Add inbound rule 4/4']);
    assert.deepEqual(r.s.source, { cidr: '192.0.2.77/24' });
  });

  it('Back from the source goes back to the kind of source', async () => {
    const r = await addRule(['HTTPS', 'Prefix list', BACK, 'IPv4 or IPv6 CIDR range', '10.0.0.0/8', '']);
    assert.deepEqual(r.s.source, { cidr: '10.0.0.0/8' });
    assert.equal(r.s.kind, 'cidr');
    // No prefix list in the account: its id is typed; Back there returned to the kind.
    assert.match(r.ui.asked[2], /^input: Add inbound rule \/ Prefix list id$/);
  });
});
