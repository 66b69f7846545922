from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "policyhub.ledger"
    verbose_name = "专项资金台账 Special fund ledger"
