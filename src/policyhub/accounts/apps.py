from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "policyhub.accounts"
    verbose_name = "账户与角色 Accounts"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.db.models.signals import post_delete, post_save

        from policyhub.accounts.models import RoleAssignment
        from policyhub.accounts.roles import forget_assignments
        from policyhub.accounts.throttle import record_lockout

        user_locked_out.connect(record_lockout, dispatch_uid="policyhub-login-locked")
        for signal in (post_save, post_delete):
            signal.connect(forget_assignments, sender=RoleAssignment,
                           dispatch_uid=f"policyhub-roles-{signal is post_save}")
