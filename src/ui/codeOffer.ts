// "Copy as Code…" of a confirmation: the change in the format the user picks (AWS CLI, CloudFormation
// YAML, Terraform), on the clipboard; nothing is changed. Every Prompter runs this for its code button.
import { CODE_FORMATS, codeFormatLabel, type CodeFormat } from '../domain/code/change';
import { renderCode } from '../domain/code';
import type { CodeOffer, Prompter } from './prompter';

/** Asks for the format, copies the change in it, and says so. Returns the text copied. */
export async function offerCode(ui: Prompter, offer: CodeOffer): Promise<string> {
  const format = await ui.pick<CodeFormat>({
    title: 'Copy as Code',
    placeholder: 'Format to copy the change in (nothing is changed)',
    items: CODE_FORMATS.map((f) => ({ label: f.label, description: f.detail, value: f.format })),
  });
  const text = renderCode(format, offer.changes(), { region: offer.region, title: offer.title });
  await ui.copy(text);
  ui.info(`Copied the change as ${codeFormatLabel(format)} to the clipboard; nothing was changed.`);
  return text;
}
