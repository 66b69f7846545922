"""The demo site (`policyhub manage load_demo`, docs/demo.md): a populated PolicyHub.

It sits above every domain app (it seeds them all, through their services) and nothing below
imports it: `web/` is page furniture the domain apps use, the demo uses them all. One module per
domain it seeds — `registry`, `accounts` (logins), `ledger` (the fund), `applications`,
`centres` and `monitor` (the action-plan's reports) — and `loader`, which runs them in one
transaction.
"""
