"""资金测算 (fund outlook): a Monte Carlo projection of the claims on the special fund.

Three layers, so the arithmetic can be tested and benchmarked without a database:

- `policyhub.outlook.history` (Django): reads the registry and the ledger into plain data
  (`History`: revenue figures, events as engine dicts, the fund's books);
- `policyhub.outlook.decide` (no Django): the screening kernel (`policyhub.screen.kernel`)
  decides what every distinct situation is worth — each milestone step a firm can take in a
  fiscal year, each historical event re-dated into each projected year — in int64 fen;
- `policyhub.outlook.model` (pure NumPy): samples N paths of firms' revenue and events and
  adds up the kernel's amounts per path, budget year and clause.

The model and its assumptions: docs/outlook.md.
"""
