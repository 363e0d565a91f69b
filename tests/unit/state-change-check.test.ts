/**
 * The state change check (`bot/state-change-check.ts`): the conversation's state is written
 * at the end of a turn exactly when botbuilder's own check would write it (compared operation
 * by operation with a plain `ConversationState`), never for an eTag alone, and a state JSON
 * cannot hold still reaches the storage, which refuses it with its typed error.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ActivityTypes, ConversationState, MemoryStorage, StoreItems, TestAdapter, TurnContext } from 'botbuilder';
import { changeCheckText, withJsonChangeCheck } from '../../bot/state-change-check';
import { SqliteStateStore } from '../../storage/sqlite-storage';

/** A storage that counts its writes. */
class CountingStorage extends MemoryStorage {
  writes = 0;
  override async write(changes: StoreItems): Promise<void> {
    this.writes++;
    return super.write(changes);
  }
}

const turn = (conversation = 'c1') =>
  new TurnContext(new TestAdapter(), { type: ActivityTypes.Message, channelId: 'test', conversation: { id: conversation } as any, from: { id: 'u', name: 'u' }, recipient: { id: 'b', name: 'b' }, text: 'x' });

/** A conversation state over a counting storage, with the JSON check or botbuilder's own. */
function make(json: boolean) {
  const storage = new CountingStorage();
  const state = new ConversationState(storage);
  if (json) expect(withJsonChangeCheck(state)).toBe(true);
  const prop = state.createProperty<{ n: number; words?: string[] }>('dialog');
  return { storage, state, prop };
}

type Step = (s: ReturnType<typeof make>, context: TurnContext) => Promise<void>;

/** Turns of operations a bot does, each ended by saveChanges as the bot's `run` does. */
const scenario: Step[][] = [
  [async (s, c) => void (await s.prop.get(c, { n: 0 }))], // first read with a default: a change
  [async (s, c) => void (await s.prop.get(c))], // read only
  [async (s, c) => void (await s.prop.get(c))!.n++], // changed in place
  [async (s, c) => void (await s.prop.set(c, { n: 1, words: ['démarche'] }))], // replaced, differently
  [async (s, c) => void (await s.prop.set(c, { n: 1, words: ['démarche'] }))], // replaced by an equal value
  [async (s, c) => void (await s.prop.delete(c))],
  [async (s, c) => void (await s.state.clear(c))], // cleared: written as empty
  [], // nothing touched
  [async (s, c) => void (await s.prop.get(c)), async (s, c) => s.state.saveChanges(c, true)], // forced
  [async (s, c) => s.state.saveChanges(c, true)], // forced, nothing read: written as empty
];

async function run(json: boolean): Promise<{ writes: number[]; final: unknown }> {
  const s = make(json);
  const writes: number[] = [];
  for (const ops of scenario) {
    const context = turn();
    for (const op of ops) await op(s, context);
    await s.state.saveChanges(context);
    writes.push(s.storage.writes);
  }
  const context = turn();
  const final = await s.prop.get(context);
  return { writes, final };
}

describe('state change check', () => {
  it('writes the state at the same turns as botbuilder\'s own check, and the same state', async () => {
    const ours = await run(true);
    const theirs = await run(false);
    expect(ours).toEqual(theirs);
    // The scenario does exercise both outcomes: some turns write, others do not.
    const perTurn = ours.writes.map((w, i) => w - (ours.writes[i - 1] ?? 0));
    expect(perTurn).toContain(0);
    expect(perTurn).toContain(1);
  });

  it('does not write a state read and left as it was, nor one whose only difference is its eTag', async () => {
    const s = make(true);
    const first = turn();
    await s.prop.set(first, { n: 1 });
    await s.state.saveChanges(first);
    expect(s.storage.writes).toBe(1);
    // Same turn again: the write set the eTag, which is not a change.
    await s.state.saveChanges(first);
    expect(s.storage.writes).toBe(1);
    const next = turn();
    expect(await s.prop.get(next)).toEqual({ n: 1 });
    await s.state.saveChanges(next);
    expect(s.storage.writes).toBe(1);
  });

  it('leaves the eTag out of the text it compares', () => {
    expect(changeCheckText({ a: 1, eTag: '1' })).toBe(changeCheckText({ a: 1, eTag: '2' }));
    expect(changeCheckText({ a: 1 })).not.toBe(changeCheckText({ a: 2 }));
    expect(changeCheckText(undefined)).toBe('');
  });

  it('hands a state JSON cannot hold to the storage, which refuses it with STORAGE_INVALID', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'state-check-'));
    const store = new SqliteStateStore(path.join(dir, 'bot.sqlite'));
    try {
      const state = new ConversationState(store);
      withJsonChangeCheck(state);
      const context = turn();
      await state.createProperty<unknown>('dialog').set(context, { big: BigInt(1) });
      await expect(state.saveChanges(context)).rejects.toMatchObject({ code: 'STORAGE_INVALID' });
      // A later turn with a state JSON can hold is written as usual.
      const next = turn();
      await state.createProperty<unknown>('dialog').set(next, { n: 2 });
      await state.saveChanges(next);
      expect(await state.createProperty<unknown>('dialog').get(turn())).toEqual({ n: 2 });
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps the states of two conversations apart', async () => {
    const s = make(true);
    const a = turn('a');
    await s.prop.set(a, { n: 1 });
    await s.state.saveChanges(a);
    const b = turn('b');
    expect(await s.prop.get(b)).toBeUndefined();
    await s.prop.set(b, { n: 2 });
    await s.state.saveChanges(b);
    expect(await s.prop.get(turn('a'))).toEqual({ n: 1 });
    expect(await s.prop.get(turn('b'))).toEqual({ n: 2 });
  });
});
