from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "policyhub.accounts"
    verbose_name = "账户与角色 Accounts"
