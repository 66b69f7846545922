from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "policyhub.accounts"
    verbose_name = "账户与角色 Accounts"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from policyhub.accounts.throttle import record_lockout

        user_locked_out.connect(record_lockout, dispatch_uid="policyhub-login-locked")
