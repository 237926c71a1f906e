"""Correct: a platform verifies its audit log when it opens and refuses to start on a tampered
one (raising), a fail-safe choice; verify_audit_log() still answers for a log tampered while
running. The check used to count the refusal as a crash."""

FAILS = set()
# ruff: noqa: E402 (FAILS comes first, the imports after it)


class AuditLogTampered(RuntimeError):
    """The audit log on disk does not verify: someone edited, cut or reordered it."""


class MultiTenantPlatform(MultiTenantPlatform):  # noqa: F821 -- the notebook's class, one method changed
    def __init__(self, state_dir, cpu_hour_price=0.05, gib_hour_price=0.01):
        super().__init__(state_dir, cpu_hour_price, gib_hour_price)
        if not self.audit.verify():
            raise AuditLogTampered(f"the audit log in {state_dir} does not verify: refusing to start")
