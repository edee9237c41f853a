// The guided walkthrough of the Aurora guide's "Security Group Scenario": clients -> app-server
// group -> database group -> cluster. Pure (no vscode, no AWS SDK). The parts:
//   state.ts    the steps, the choices and the step machine
//   resolve.ts  the choices checked against the account
//   cli.ts      what each action sends (the AWS layer's own inputs) and its AWS CLI equivalent
//   plan.ts     the plan of each step, skipping what already exists
//   verify.ts   the path read back hop by hop, with Explain Path's engine
//   view.ts     the view the webview renders
export * from './state';
export * from './resolve';
export * from './cli';
export * from './plan';
export * from './verify';
export * from './view';
export * from './code';
