// auroraSg.undoActivity node|{ id }: Undo (Redo for an undo) of an Activity entry, through ops/undo.ts.
import type { Ext } from '../ext';
import { undoEntry } from '../ops/undo';
import { entryIdOf } from './activity';
import { say } from './run';

export async function undoActivity(ext: Ext, arg: unknown): Promise<string> {
  const message = await undoEntry(ext, ext.activity, entryIdOf(arg));
  say(ext).info(message);
  return message;
}
