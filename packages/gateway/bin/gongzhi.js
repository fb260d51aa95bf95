#!/usr/bin/env node
// The `gongzhi` command. The compiled CLI is imported from a file of its own, so that installing
// the workspace (before anything is compiled) links the command without a warning.
await import('../dist/cli.js');
